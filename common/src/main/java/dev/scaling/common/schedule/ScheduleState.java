package dev.scaling.common.schedule;

import dev.scaling.common.spec.InvariantViolation;

/**
 * What a checkpoint stores about a learning-rate schedule: the step to continue at and a digest of
 * the learning rates applied before it, so that a run rebuilt from its trial can prove it continues
 * the same sequence of updates; the name and definition say, in messages, what the schedule was.
 *
 * @param name the registered name ({@link LearningRateSchedule#name()})
 * @param definition the schedule's {@link LearningRateSchedule#definition()}
 * @param step updates completed when the state was taken; the resumed run's next update is {@code
 *     at(step)}
 * @param appliedDigest {@link #digest} of the learning rates of updates {@code 0 .. step-1}
 */
public record ScheduleState(String name, String definition, long step, long appliedDigest) {
  public ScheduleState {
    InvariantViolation.check(
        name != null && !name.isEmpty(), "a schedule state needs a name, found " + name);
    InvariantViolation.check(definition != null, "a schedule state needs a definition");
    InvariantViolation.check(step >= 0, "a schedule state's step must be >= 0, found " + step);
  }

  /** The state of {@code schedule} after {@code step} updates. */
  public static ScheduleState of(LearningRateSchedule schedule, long step) {
    return new ScheduleState(schedule.name(), schedule.definition(), step, digest(schedule, step));
  }

  /**
   * A 64-bit digest of the exact bits of {@code schedule.at(i)} for {@code i < step} (FNV-1a over
   * each value's IEEE bits, then a final mix): equal digests mean, up to a negligible chance, equal
   * learning rates at every one of those steps.
   */
  public static long digest(LearningRateSchedule schedule, long step) {
    InvariantViolation.check(
        step >= 0 && step <= schedule.steps(),
        "a schedule digest needs 0 <= step <= " + schedule.steps() + ", found " + step);
    long h = 0xcbf29ce484222325L;
    for (long i = 0; i < step; i++) {
      long bits = Double.doubleToLongBits(schedule.at(i));
      for (int b = 0; b < 8; b++) {
        h ^= (bits >>> (8 * b)) & 0xFF;
        h *= 0x100000001b3L;
      }
    }
    h ^= step;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
