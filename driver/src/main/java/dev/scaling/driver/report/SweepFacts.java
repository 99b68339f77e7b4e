package dev.scaling.driver.report;

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
 */
public record SweepFacts(
    Double entropyFloor,
    Double designedNExponent,
    Double designedDExponent,
    Double evalNoise,
    Integer evalTokens,
    SeedSpread seedSpread) {

  /** Nothing known beyond the rows. */
  public static final SweepFacts NONE = new SweepFacts(null, null, null, null, null, null);

  public SweepFacts {
    if (evalNoise != null && !(evalNoise >= 0)) {
      throw new IllegalArgumentException("evalNoise must be >= 0, found " + evalNoise);
    }
  }

  /** Facts without a seed spread (a grid with one seed per point). */
  public SweepFacts(
      Double entropyFloor,
      Double designedNExponent,
      Double designedDExponent,
      Double evalNoise,
      Integer evalTokens) {
    this(entropyFloor, designedNExponent, designedDExponent, evalNoise, evalTokens, null);
  }

  /** Facts holding only an entropy floor (null: none). */
  public static SweepFacts floor(Double entropyFloor) {
    return new SweepFacts(entropyFloor, null, null, null, null, null);
  }
}
