package dev.scaling.common.schedule;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.TrainingSpec;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registry of learning-rate schedules by their {@code training.schedule} name. Adding a
 * schedule is one class implementing {@link LearningRateSchedule} and one {@code register} line
 * below; the spec parser, {@link TrainingSpec}'s validation and the trainer all go through this
 * class.
 */
public final class Schedules {
  /** The schedule of a spec that names none. */
  public static final String DEFAULT = CosineSchedule.NAME;

  private static final Map<String, ScheduleFactory> FACTORIES = new TreeMap<>();

  static {
    register(CosineSchedule.NAME, CosineSchedule::forTraining);
    register(WsdSchedule.NAME, WsdSchedule::forTraining);
  }

  private Schedules() {}

  private static void register(String name, ScheduleFactory factory) {
    InvariantViolation.check(
        FACTORIES.put(name, factory) == null, "schedule " + name + " is registered twice");
  }

  /** The registered names, sorted. */
  public static Set<String> names() {
    return Collections.unmodifiableSet(FACTORIES.keySet());
  }

  /** Whether {@code name} is a registered schedule. */
  public static boolean isRegistered(String name) {
    return name != null && FACTORIES.containsKey(name);
  }

  /**
   * The schedule of a trial.
   *
   * @param training the trial's training settings; {@link TrainingSpec#schedule()} picks the
   *     schedule
   * @param steps the trial's optimizer steps, at least 1
   * @param tokensPerStep training tokens per optimizer step (batch size x context)
   * @return the schedule, whose {@link LearningRateSchedule#name()} is {@code training.schedule()}
   */
  public static LearningRateSchedule create(TrainingSpec training, long steps, long tokensPerStep) {
    ScheduleFactory factory = FACTORIES.get(training.schedule());
    InvariantViolation.check(
        factory != null, "schedule " + training.schedule() + " is not registered in " + names());
    LearningRateSchedule schedule = factory.create(training, steps, tokensPerStep);
    InvariantViolation.check(
        schedule.name().equals(training.schedule()) && schedule.steps() == steps,
        "schedule "
            + training.schedule()
            + " built "
            + schedule.definition()
            + " for "
            + steps
            + " steps");
    return schedule;
  }

  /**
   * Rebuilds a trial's schedule to continue a checkpointed run, and checks that it applied the
   * learning rates the checkpoint's run applied.
   *
   * @param training the trial's training settings
   * @param steps the trial's optimizer steps
   * @param tokensPerStep training tokens per optimizer step
   * @param saved the checkpoint's {@link LearningRateSchedule#resumeState(long)}
   * @return the schedule to continue with at update {@code saved.step()}, or null when the
   *     checkpoint cannot be continued with it: its step is past the trial's end, or the trial's
   *     schedule applies other learning rates at some step before it (another schedule or other
   *     parameters)
   */
  public static LearningRateSchedule resume(
      TrainingSpec training, long steps, long tokensPerStep, ScheduleState saved) {
    LearningRateSchedule schedule = create(training, steps, tokensPerStep);
    if (saved.step() > steps
        || ScheduleState.digest(schedule, saved.step()) != saved.appliedDigest()) {
      return null;
    }
    return schedule;
  }
}
