package dev.scaling.common.schedule;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.KindRegistry;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.TrainingSpec;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The registry of learning-rate schedule kinds by their {@code training.schedule} name. Adding a
 * schedule is one class implementing {@link ScheduleKind} and one {@link #register} call (a line in
 * the static block below for the built-in ones; any code may register its own before parsing a spec
 * that names it); the spec parser, {@link TrainingSpec}'s validation, the planner's checks and the
 * trainer all go through this class.
 */
public final class Schedules {
  /** The schedule of a spec that names none. */
  public static final String DEFAULT = CosineSchedule.NAME;

  private static final KindRegistry<ScheduleKind> KINDS =
      new KindRegistry<>("schedule", "training.schedule", "one of the registered schedules", true);

  static {
    register(new CosineKind());
    register(new WsdKind());
  }

  private Schedules() {}

  /**
   * Registers {@code kind} under its name, so specs may name it. Registering another instance of
   * the same class again is a no-op (a test may register its kind from several test classes).
   *
   * @throws InvariantViolation when another kind already holds the name, or the name is not a
   *     lowercase word
   */
  public static void register(ScheduleKind kind) {
    KINDS.register(kind);
  }

  /** The registered names, sorted. */
  public static Set<String> names() {
    return new LinkedHashSet<>(KINDS.names());
  }

  /** The registered kinds, sorted by name. */
  public static Collection<ScheduleKind> kinds() {
    return KINDS.kinds();
  }

  /** Whether {@code name} is a registered schedule. */
  public static boolean isRegistered(String name) {
    return KINDS.has(name);
  }

  /**
   * The kind registered as {@code name}.
   *
   * @throws SpecException naming {@code training.schedule}, the registered names and the value
   */
  public static ScheduleKind kind(String name) {
    return KINDS.kind(name);
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
    InvariantViolation.check(
        isRegistered(training.schedule()),
        "schedule " + training.schedule() + " is not registered in " + names());
    ScheduleKind kind = KINDS.kind(training.schedule());
    LearningRateSchedule schedule = kind.create(training, steps, tokensPerStep);
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
