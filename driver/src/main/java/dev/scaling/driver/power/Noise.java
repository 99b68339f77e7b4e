package dev.scaling.driver.power;

import dev.scaling.common.spec.InvariantViolation;
import java.util.Locale;

/**
 * The noise a simulation adds to each trial's loss: a Gaussian of standard deviation {@code sd}
 * nats, and where that number came from, so the printed result always says whether it was measured
 * and whether it holds the run-to-run variation (a seed spread) or only the evaluation noise.
 *
 * @param sd standard deviation of a trial's final evaluation loss, nats (>= 0)
 * @param source given on the command line, measured from a run's trials, or a stated default
 * @param detail how it was obtained, in a few words (e.g. "median eval_loss_stderr of 36 trials")
 */
public record Noise(double sd, Source source, String detail) {
  /** Where a noise level came from. */
  public enum Source {
    /** {@code --noise SD}. */
    GIVEN,
    /** The median per-trial {@code eval_loss_stderr} of a run of this spec in {@code --out}. */
    MEASURED,
    /**
     * The spread between seeds of one grid point in a run of this spec in {@code --out} with two or
     * more seeds of some point (a {@link dev.scaling.driver.report.SeedSpread}): the evaluation
     * noise and the run-to-run variation together.
     */
    SEED_SPREAD,
    /** Neither: {@link #DEFAULT_SD}, assumed, not measured. */
    ASSUMED
  }

  /** The noise assumed when neither {@code --noise} nor a measured run is at hand, nats. */
  public static final double DEFAULT_SD = 0.01;

  public Noise {
    InvariantViolation.check(
        sd >= 0 && Double.isFinite(sd) && source != null && detail != null,
        "noise needs a finite sd >= 0, a source and a detail, found " + sd + ", " + source);
  }

  /** The stated default, with the reason it is used. */
  public static Noise assumed(String why) {
    return new Noise(DEFAULT_SD, Source.ASSUMED, "assumed, not measured: " + why);
  }

  /** One line: the value and its origin. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%s: sd %.4g nats per trial (%s; %s)",
        source == Source.SEED_SPREAD ? "noise" : "evaluation noise",
        sd,
        source.name().toLowerCase(Locale.ROOT),
        detail);
  }
}
