package dev.scaling.driver.report;

import dev.scaling.common.batch.KaplanSFit;
import java.util.List;

/**
 * What a run knows beside its (N, D, loss) rows, for the report: the source's exact entropy floor
 * and designed exponents where the source has them, and the measured evaluation noise. Any part is
 * null where unknown (a plain table given to {@code ./sweep fit} knows none).
 *
 * @param entropyFloor the exact loss floor of a synthetic source (nats/token)
 * @param designedNExponent the loss exponent in N the source was built to show
 * @param designedDExponent the loss exponent in D the source was built to show
 * @param evalNoise the median over trials of the standard error of the final held-out loss (nats),
 *     from the spread of the eval windows
 * @param evalTokens held-out tokens scored per evaluation
 * @param seedSpread how far apart the seeds of one grid point land, where the grid has two or more
 *     seeds of some point
 * @param trials each trial's shape, optimiser settings and noise (empty for a plain table): the
 *     paper figures' tooltips and shape study
 * @param stepLaw the batch study's L(N, S_min), whose S_c and alpha_S predict the early-stopping
 *     step (Kaplan et al. eq. 5.7); null without a batch study
 */
public record SweepFacts(
    Double entropyFloor,
    Double designedNExponent,
    Double designedDExponent,
    Double evalNoise,
    Integer evalTokens,
    SeedSpread seedSpread,
    List<TrialFacts> trials,
    KaplanSFit stepLaw) {

  public SweepFacts {
    if (evalNoise != null && !(evalNoise >= 0)) {
      throw new IllegalArgumentException("evalNoise must be >= 0, found " + evalNoise);
    }
    trials = trials == null ? List.of() : List.copyOf(trials);
  }

  /** These facts with the batch study's L(N, S_min) (null for none). */
  public SweepFacts withStepLaw(KaplanSFit law) {
    return new SweepFacts(
        entropyFloor,
        designedNExponent,
        designedDExponent,
        evalNoise,
        evalTokens,
        seedSpread,
        trials,
        law);
  }

  /** A builder with nothing known; set what the run knows. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link SweepFacts} by name; every part left unset is unknown (null). */
  public static final class Builder {
    private Double entropyFloor;
    private Double designedNExponent;
    private Double designedDExponent;
    private Double evalNoise;
    private Integer evalTokens;
    private SeedSpread seedSpread;
    private List<TrialFacts> trials = List.of();
    private KaplanSFit stepLaw;

    private Builder() {}

    public Builder entropyFloor(Double v) {
      entropyFloor = v;
      return this;
    }

    /** The loss exponents in N and in D the source was built to show. */
    public Builder designedExponents(Double inN, Double inD) {
      designedNExponent = inN;
      designedDExponent = inD;
      return this;
    }

    /** The median standard error of the final held-out loss, over {@code evalTokens} tokens. */
    public Builder evalNoise(Double noise, Integer evalTokens) {
      this.evalNoise = noise;
      this.evalTokens = evalTokens;
      return this;
    }

    public Builder seedSpread(SeedSpread v) {
      seedSpread = v;
      return this;
    }

    /** Each trial's shape, optimiser settings and noise. */
    public Builder trials(List<TrialFacts> v) {
      trials = v;
      return this;
    }

    /** The batch study's L(N, S_min). */
    public Builder stepLaw(KaplanSFit v) {
      stepLaw = v;
      return this;
    }

    public SweepFacts build() {
      return new SweepFacts(
          entropyFloor,
          designedNExponent,
          designedDExponent,
          evalNoise,
          evalTokens,
          seedSpread,
          trials,
          stepLaw);
    }
  }
}
