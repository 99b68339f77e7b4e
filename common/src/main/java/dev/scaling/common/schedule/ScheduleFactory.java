package dev.scaling.common.schedule;

import dev.scaling.common.spec.TrainingSpec;

/**
 * Builds one kind of schedule from a trial's training settings; what {@link Schedules} registers.
 */
@FunctionalInterface
public interface ScheduleFactory {
  /**
   * @param training the trial's training settings (peak learning rate, warmup, decay floor, ...)
   * @param steps the trial's optimizer steps, at least 1
   * @param tokensPerStep training tokens per optimizer step (batch size x context), for schedules
   *     whose settings are in tokens
   * @return the schedule of that trial
   */
  LearningRateSchedule create(TrainingSpec training, long steps, long tokensPerStep);
}
