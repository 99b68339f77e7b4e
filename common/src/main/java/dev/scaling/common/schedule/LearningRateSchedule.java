package dev.scaling.common.schedule;

/**
 * The learning rate of every optimizer step of one trial: a pure, deterministic function of the
 * step index, built by {@link Schedules#create} from the trial's training settings and its step
 * count.
 *
 * <p>Resuming: a schedule holds no mutable state, so a checkpoint does not store the schedule
 * itself. It stores {@link #resumeState(long)}: the step and a digest of the learning rates applied
 * before it. A resumed run rebuilds its schedule from its trial with {@link Schedules#resume},
 * which accepts the checkpoint only when the rebuilt schedule applied exactly those learning rates
 * up to that step (the same trial's schedule always does; a branched cooldown that shares the
 * prefix of a longer run does too). {@link #at} must therefore be a pure function of the step and
 * the values {@link #definition()} lists.
 *
 * <p>A new schedule is a {@link ScheduleKind} (which parses its settings and builds this)
 * registered with {@link Schedules#register}; the function itself is any class implementing this
 * interface (a record is simplest).
 */
public interface LearningRateSchedule {

  /** The name this schedule is registered under in {@link Schedules}, e.g. {@code cosine}. */
  String name();

  /**
   * The optimizer steps of the whole run; {@link #at} is defined for {@code 0 <= step < steps()}.
   */
  long steps();

  /**
   * Learning rate of the update with 0-based index {@code step}.
   *
   * @param step 0 for the first update, {@code steps() - 1} for the last
   * @return the learning rate, finite and at least 0
   */
  double at(long step);

  /**
   * A canonical text naming every value {@link #at} depends on; two schedules with equal
   * definitions give equal learning rates at every step. The default is {@code toString()}, which
   * for a record lists each component (doubles print exactly, so equal text means equal values).
   */
  default String definition() {
    return toString();
  }

  /**
   * The step from which this run may continue a longer run of the same model: every run of the same
   * settings with more steps applies exactly this run's learning rates before it, so this run can
   * start from that run's state at this step (a branch of a shared trunk). 0, the default, means
   * the schedule has no such prefix (cosine depends on the run's length from step 1).
   */
  default long forkStep() {
    return 0;
  }

  /**
   * What a checkpoint written after {@code step} completed updates records about this schedule, so
   * that a run rebuilt from the trial can continue at update {@code step} with identical values.
   *
   * @param step updates completed, in {@code [0, steps()]}
   * @return the state to save
   */
  default ScheduleState resumeState(long step) {
    return ScheduleState.of(this, step);
  }
}
