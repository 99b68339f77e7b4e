package dev.scaling.common.schedule;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.TrainingSpec;

/**
 * Linear warmup to the peak learning rate, then cosine decay to {@code minFraction} of the peak at
 * the last step; the default schedule ({@code training.schedule: cosine}).
 *
 * @param peak peak learning rate
 * @param steps total optimizer steps
 * @param warmupSteps steps of linear warmup (0 = start at the peak)
 * @param minFraction final learning rate as a share of the peak
 */
public record CosineSchedule(double peak, long steps, long warmupSteps, double minFraction)
    implements LearningRateSchedule {
  /** The name under which {@link Schedules} registers this schedule. */
  public static final String NAME = "cosine";

  public CosineSchedule {
    InvariantViolation.check(
        steps >= 1 && warmupSteps >= 0 && warmupSteps <= steps,
        "a cosine schedule needs steps >= 1 and 0 <= warmupSteps <= steps, found "
            + steps
            + ", "
            + warmupSteps);
  }

  /** The schedule of {@code warmupFraction * steps} warmup steps (rounded down). */
  public static CosineSchedule of(
      double peak, long steps, double warmupFraction, double minFraction) {
    return new CosineSchedule(peak, steps, (long) Math.floor(warmupFraction * steps), minFraction);
  }

  /**
   * The schedule a trial with {@code training} and {@code steps} updates follows (the registry's
   * factory).
   */
  public static CosineSchedule forTraining(TrainingSpec training, long steps, long tokensPerStep) {
    return of(training.learningRate(), steps, training.warmupFraction(), training.minLrFraction());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double at(long step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    long decaySteps = steps - 1 - warmupSteps;
    double progress =
        decaySteps <= 0 ? 0.0 : Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
    double min = minFraction * peak;
    return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
