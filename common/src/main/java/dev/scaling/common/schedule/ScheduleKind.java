package dev.scaling.common.schedule;

import dev.scaling.common.spec.GridSpec;
import dev.scaling.common.spec.SettingsKind;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.TrainingSpec;

/**
 * One kind of learning-rate schedule, selected by {@code training.schedule}: it parses and
 * validates its own settings from the {@code training} block, says whether its runs fork off a
 * shared trunk, checks a planned run against its rules and builds the {@link LearningRateSchedule}
 * of a trial. A new schedule is one class implementing this and one {@link Schedules#register}
 * call; neither the spec records nor the parser nor the planner change.
 */
public interface ScheduleKind extends SettingsKind<ScheduleSettings> {

  /**
   * Whether {@code training.warmup_fraction} applies; a kind that warms up by other means (wsd:
   * {@code warmup_tokens}) returns false, and the shared field is then 0.
   */
  default boolean warmsUpByFraction() {
    return true;
  }

  /** {@code training.min_lr_fraction} when the spec gives none. */
  default double defaultMinLrFraction() {
    return 0.1;
  }

  /**
   * Whether runs of one model that differ only in length share a prefix of learning rates, so the
   * shorter ones branch off a trunk (their schedules' {@link LearningRateSchedule#forkStep()} is
   * positive).
   */
  default boolean forks() {
    return false;
  }

  /**
   * Checks one planned run before any trial runs: e.g. that a branch has steps before and in its
   * cooldown. The default accepts every run.
   *
   * @param training the trial's training settings (of this kind)
   * @param tokens the trial's training tokens D
   * @param steps the trial's optimizer steps
   * @param tokensPerStep tokens per optimizer step
   * @throws SpecException naming the training key to change, the rule and the value
   */
  default void checkRun(TrainingSpec training, long tokens, long steps, long tokensPerStep) {}

  /**
   * Checks this kind's settings against the sweep's grid when the spec is parsed (e.g. wsd's {@code
   * training.predict_branches} against the number of token counts). The default accepts every grid.
   *
   * @param training the sweep's training settings (of this kind)
   * @param grid the sweep's grid
   * @throws SpecException naming the training key, the rule and the value
   */
  default void checkGrid(TrainingSpec training, GridSpec grid) {}

  /**
   * The schedule of one trial.
   *
   * @param training the trial's training settings (peak learning rate, floor, this kind's settings)
   * @param steps the trial's optimizer steps, at least 1
   * @param tokensPerStep training tokens per optimizer step (batch size x context)
   * @return the schedule, whose {@link LearningRateSchedule#name()} is {@link #name()}
   */
  LearningRateSchedule create(TrainingSpec training, long steps, long tokensPerStep);
}
