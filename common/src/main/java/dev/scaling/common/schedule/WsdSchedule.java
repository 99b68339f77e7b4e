package dev.scaling.common.schedule;

import dev.scaling.common.spec.CooldownShape;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.spec.WsdSpec;

/**
 * Warmup-stable-decay (Hägele et al. 2024, "Scaling Laws and Compute-Optimal Training Beyond Fixed
 * Training Durations"): linear warmup to the peak over a fixed number of steps, the constant peak,
 * and a cooldown over the last {@code steps - forkStep} steps to {@code minFraction} of the peak
 * ({@code training.schedule: wsd}).
 *
 * <p>Because the warmup is counted in tokens and the stable phase is flat, two runs of one model
 * that differ only in their length apply identical learning rates up to the shorter one's {@link
 * #forkStep()}: a run's cooldown can start from a longer run's state at that step (a branch of its
 * trunk) and be bit for bit the run it would have been alone.
 *
 * @param peak peak learning rate
 * @param steps total optimizer steps of this run
 * @param warmupSteps steps of linear warmup (0 = start at the peak)
 * @param forkStep the first cooldown step, {@code round((1 - cooldown_fraction) * steps)}
 * @param minFraction the learning rate at the last step, as a share of the peak
 * @param shape how the cooldown falls
 */
public record WsdSchedule(
    double peak,
    long steps,
    long warmupSteps,
    long forkStep,
    double minFraction,
    CooldownShape shape)
    implements LearningRateSchedule {
  /** The name under which {@link Schedules} registers this schedule. */
  public static final String NAME = "wsd";

  public WsdSchedule {
    InvariantViolation.check(
        steps >= 1 && warmupSteps >= 0 && forkStep >= 0 && forkStep < steps && shape != null,
        "a wsd schedule needs steps >= 1, warmupSteps >= 0 and 0 <= forkStep < steps, found "
            + steps
            + ", "
            + warmupSteps
            + ", "
            + forkStep);
  }

  /**
   * The schedule of a run of {@code steps} updates of {@code tokensPerStep} tokens each (the
   * registry's factory): {@code ceil(warmup_tokens / tokensPerStep)} warmup steps and a cooldown
   * starting at {@code round((1 - cooldown_fraction) * steps)}.
   */
  public static WsdSchedule forTraining(TrainingSpec training, long steps, long tokensPerStep) {
    WsdSpec wsd = training.settings(WsdSpec.class);
    return new WsdSchedule(
        training.learningRate(),
        steps,
        warmupSteps(wsd, tokensPerStep),
        forkStep(steps, wsd.cooldownFraction()),
        training.minLrFraction(),
        wsd.cooldownShape());
  }

  /** Warmup steps for {@code wsd.warmupTokens()} at {@code tokensPerStep} tokens per update. */
  public static long warmupSteps(WsdSpec wsd, long tokensPerStep) {
    return (wsd.warmupTokens() + tokensPerStep - 1) / tokensPerStep;
  }

  /** The first cooldown step of a run of {@code steps} updates: round((1 - f) * steps). */
  public static long forkStep(long steps, double cooldownFraction) {
    return Math.round((1 - cooldownFraction) * steps);
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
    if (step < forkStep) {
      return peak;
    }
    // Progress 1/C .. 1 over the C cooldown steps: the last update is at the floor.
    double t = (double) (step - forkStep + 1) / (steps - forkStep);
    double min = minFraction * peak;
    return min + (peak - min) * shape.factor(Math.min(1.0, t));
  }
}
