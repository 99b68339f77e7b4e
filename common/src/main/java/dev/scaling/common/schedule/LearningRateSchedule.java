package dev.scaling.common.schedule;

/**
 * The learning rate of every optimizer step of one trial: a pure, deterministic function of the step
 * index, built by {@link Schedules#create} from the trial's training settings and its step count.
 *
 * <p>Resuming: a schedule holds no mutable state, so a checkpoint does not store the schedule itself. It
 * stores {@link #resumeState(long)} (the schedule's name, its {@link #definition()} and the step), and a
 * resumed run rebuilds the schedule from its trial with {@link Schedules#resume}, which checks that the
 * rebuilt schedule is the saved one. Implementations must therefore make {@link #at} depend only on the
 * values that {@link #definition()} lists.
 *
 * <p>A new schedule is one class implementing this interface (a record is simplest) and one
 * registration line in {@link Schedules}.
 */
public interface LearningRateSchedule {

  /** The name this schedule is registered under in {@link Schedules}, e.g. {@code cosine}. */
  String name();

  /** The optimizer steps of the whole run; {@link #at} is defined for {@code 0 <= step < steps()}. */
  long steps();

  /**
   * Learning rate of the update with 0-based index {@code step}.
   *
   * @param step 0 for the first update, {@code steps() - 1} for the last
   * @return the learning rate, finite and at least 0
   */
  double at(long step);

  /**
   * A canonical text naming every value {@link #at} depends on; two schedules with equal definitions give
   * equal learning rates at every step. The default is {@code toString()}, which for a record lists each
   * component (doubles print exactly, so equal text means equal values).
   */
  default String definition() {
    return toString();
  }

  /**
   * What a checkpoint written after {@code step} completed updates records about this schedule, so that
   * a resumed run can rebuild it from the trial and continue at step {@code step} with identical values.
   *
   * @param step updates completed, in {@code [0, steps()]}
   * @return the state to save
   */
  default ScheduleState resumeState(long step) {
    return new ScheduleState(name(), definition(), step);
  }
}
