package dev.scaling.driver.power;

import dev.scaling.common.fit.ChinchillaParams;
import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.spec.InvariantViolation;
import java.util.List;

/**
 * What {@link PowerSimulation#run} simulates: a design, the law assumed true, the noise and how the
 * simulated fits are judged. Built by name, so a new setting is added here and nowhere else.
 *
 * @param rows the fitted rows of the design (at least one)
 * @param truth the assumed law
 * @param lawSource where the law came from, for the printout
 * @param noise the evaluation noise added to each trial's loss
 * @param simulations K >= 1
 * @param seed the seed of the noise streams
 * @param targetFlops the compute at which N_opt is judged (positive)
 * @param targetSource how the target was chosen, for the printout
 * @param options fit options (the bootstrap count is ignored: point estimates only)
 * @param pin the half-width the verdicts ask of each exponent
 * @param notes warnings to print with the result
 * @param starts where each simulated fit starts its multi-start
 */
public record PowerSetup(
    List<DesignRow> rows,
    ChinchillaParams truth,
    String lawSource,
    Noise noise,
    int simulations,
    long seed,
    double targetFlops,
    String targetSource,
    FitOptions options,
    double pin,
    List<String> notes,
    PowerSimulation.Starts starts) {

  public PowerSetup {
    InvariantViolation.check(
        rows != null && !rows.isEmpty() && simulations >= 1 && targetFlops > 0,
        "a power simulation needs rows, K >= 1 and a positive target compute");
    InvariantViolation.check(
        truth != null && noise != null && options != null && starts != null,
        "a power simulation needs a law, a noise, fit options and starts");
    rows = List.copyOf(rows);
    notes = notes == null ? List.of() : List.copyOf(notes);
  }

  /**
   * A builder simulating {@code rows} under {@code truth} with {@code noise}; the simulation count
   * and the target compute must be set, the rest defaults to warm starts, no notes, the default fit
   * options and seed 0.
   */
  public static Builder builder(List<DesignRow> rows, ChinchillaParams truth, Noise noise) {
    return new Builder(rows, truth, noise);
  }

  /** Builds a {@link PowerSetup} by name. */
  public static final class Builder {
    private final List<DesignRow> rows;
    private final ChinchillaParams truth;
    private final Noise noise;
    private String lawSource = "assumed";
    private int simulations;
    private long seed;
    private double targetFlops;
    private String targetSource;
    private FitOptions options = FitOptions.defaults();
    private double pin;
    private List<String> notes = List.of();
    private PowerSimulation.Starts starts = PowerSimulation.Starts.WARM;

    private Builder(List<DesignRow> rows, ChinchillaParams truth, Noise noise) {
      this.rows = rows;
      this.truth = truth;
      this.noise = noise;
    }

    public Builder lawSource(String v) {
      lawSource = v;
      return this;
    }

    public Builder simulations(int v) {
      simulations = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** The compute at which N_opt is judged, and how it was chosen. */
    public Builder target(double flops, String source) {
      targetFlops = flops;
      targetSource = source;
      return this;
    }

    public Builder options(FitOptions v) {
      options = v;
      return this;
    }

    public Builder pin(double v) {
      pin = v;
      return this;
    }

    public Builder notes(List<String> v) {
      notes = v;
      return this;
    }

    public Builder starts(PowerSimulation.Starts v) {
      starts = v;
      return this;
    }

    public PowerSetup build() {
      return new PowerSetup(
          rows,
          truth,
          lawSource,
          noise,
          simulations,
          seed,
          targetFlops,
          targetSource,
          options,
          pin,
          notes,
          starts);
    }
  }
}
