package dev.scaling.driver.sweep;

import dev.scaling.common.fit.ChinchillaParams;
import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.spec.SpecException;
import java.util.Objects;

/**
 * What to plan: the spec and, for a design-power simulation, the assumed law, the noise, the
 * simulations and the verdict's target. Built with {@link #builder(String)}; the defaults are the
 * command line's.
 *
 * @param spec the spec's location
 * @param out a (partial) run of the spec whose measured noise the simulation uses, or null
 * @param power whether to simulate the design
 * @param assume the assumed law, or null for {@link #CHINCHILLA_PUBLISHED}
 * @param assumeFrom a finished run whose Chinchilla point estimate is assumed, or null
 * @param noise the noise, nats, or null to measure it in {@code out} (else the default)
 * @param simulations simulated sweeps
 * @param targetFlops the compute at which N_opt is judged, or null for 10x the largest trial's
 * @param seed the seed the simulations derive from, or null for the sweep seed
 * @param huberDelta Huber delta of the simulated fits
 * @param fullGrid fit every simulated sweep from the whole start grid
 * @param pin the half-width each exponent's verdict asks for
 * @param all print every trial's row, also for a plan above {@link
 *     dev.scaling.driver.plan.Plan#FULL_TABLE_MAX} trials (which is otherwise summarised)
 */
public record PlanRequest(
    String spec,
    String out,
    boolean power,
    ChinchillaParams assume,
    String assumeFrom,
    Double noise,
    int simulations,
    Double targetFlops,
    Long seed,
    double huberDelta,
    boolean fullGrid,
    double pin,
    boolean all) {
  /** Hoffmann et al. 2022's published approach-3 fit: E, A, B, alpha, beta. */
  public static final ChinchillaParams CHINCHILLA_PUBLISHED =
      new ChinchillaParams(1.69, 406.4, 410.7, 0.34, 0.28);

  /** Simulated sweeps by default. */
  public static final int DEFAULT_SIMULATIONS = 200;

  /** The verdict's half-width by default. */
  public static final double DEFAULT_PIN = 0.05;

  public PlanRequest {
    Objects.requireNonNull(spec, "spec");
    SpecException.require(simulations >= 1, "--simulations", "a whole number >= 1", simulations);
    SpecException.require(
        noise == null || (noise >= 0 && Double.isFinite(noise)),
        "--noise",
        "a finite number >= 0",
        noise);
    SpecException.require(pin > 0, "--pin", "a finite number > 0", pin);
  }

  /** A builder with the command line's defaults: no simulation. */
  public static Builder builder(String spec) {
    return new Builder(spec);
  }

  /** Builds a {@link PlanRequest}; every setter returns the builder. */
  public static final class Builder {
    private final String spec;
    private String out;
    private boolean power;
    private ChinchillaParams assume;
    private String assumeFrom;
    private Double noise;
    private int simulations = DEFAULT_SIMULATIONS;
    private Double targetFlops;
    private Long seed;
    private double huberDelta = FitOptions.defaults().huberDelta();
    private boolean fullGrid;
    private double pin = DEFAULT_PIN;
    private boolean all;

    private Builder(String spec) {
      this.spec = spec;
    }

    public Builder out(String value) {
      out = value;
      return this;
    }

    public Builder power(boolean value) {
      power = value;
      return this;
    }

    public Builder assume(ChinchillaParams value) {
      assume = value;
      return this;
    }

    public Builder assumeFrom(String value) {
      assumeFrom = value;
      return this;
    }

    public Builder noise(Double value) {
      noise = value;
      return this;
    }

    public Builder simulations(int value) {
      simulations = value;
      return this;
    }

    public Builder targetFlops(Double value) {
      targetFlops = value;
      return this;
    }

    public Builder seed(Long value) {
      seed = value;
      return this;
    }

    public Builder huberDelta(double value) {
      huberDelta = value;
      return this;
    }

    public Builder fullGrid(boolean value) {
      fullGrid = value;
      return this;
    }

    public Builder pin(double value) {
      pin = value;
      return this;
    }

    public Builder all(boolean value) {
      all = value;
      return this;
    }

    public PlanRequest build() {
      return new PlanRequest(
          spec,
          out,
          power,
          assume,
          assumeFrom,
          noise,
          simulations,
          targetFlops,
          seed,
          huberDelta,
          fullGrid,
          pin,
          all);
    }
  }
}
