package dev.scaling.common.schedule;

import dev.scaling.common.spec.InvariantViolation;

/**
 * What a checkpoint stores about a learning-rate schedule: enough to check that the schedule rebuilt
 * from the trial on resume is the one the checkpointed run followed, and the step to continue at.
 *
 * @param name the registered name ({@link LearningRateSchedule#name()})
 * @param definition the schedule's {@link LearningRateSchedule#definition()}
 * @param step updates completed when the state was taken; the resumed run's next update is {@code at(step)}
 */
public record ScheduleState(String name, String definition, long step) {
  public ScheduleState {
    InvariantViolation.check(name != null && !name.isEmpty(), "a schedule state needs a name, found " + name);
    InvariantViolation.check(definition != null, "a schedule state needs a definition");
    InvariantViolation.check(step >= 0, "a schedule state's step must be >= 0, found " + step);
  }
}
