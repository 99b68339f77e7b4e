package dev.scaling.worker;

/**
 * Linear warmup to the peak learning rate, then cosine decay to {@code minFraction} of the peak at the
 * last step; the schedule every trial of a sweep shares.
 *
 * @param peak peak learning rate
 * @param steps total optimizer steps
 * @param warmupSteps steps of linear warmup (0 = start at the peak)
 * @param minFraction final learning rate as a share of the peak
 */
public record LearningRateSchedule(double peak, long steps, long warmupSteps, double minFraction) {
  public LearningRateSchedule {
    if (steps < 1 || warmupSteps < 0 || warmupSteps > steps) {
      throw new IllegalArgumentException(
          "need steps >= 1 and 0 <= warmupSteps <= steps, found " + steps + ", " + warmupSteps);
    }
  }

  /** The schedule of {@code warmupFraction * steps} warmup steps (rounded down). */
  public static LearningRateSchedule of(double peak, long steps, double warmupFraction, double minFraction) {
    return new LearningRateSchedule(peak, steps, (long) Math.floor(warmupFraction * steps), minFraction);
  }

  /**
   * Learning rate of the step with 0-based index {@code step}.
   *
   * @param step 0 for the first update, {@code steps - 1} for the last
   * @return the learning rate
   */
  public double at(long step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    long decaySteps = steps - 1 - warmupSteps;
    double progress = decaySteps <= 0 ? 0.0 : Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
    double min = minFraction * peak;
    return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
