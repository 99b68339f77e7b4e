package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.schedule.ScheduleKind;
import dev.scaling.common.schedule.ScheduleSettings;
import dev.scaling.common.schedule.Schedules;
import java.io.Serializable;
import java.util.TreeSet;

/**
 * Optimisation settings shared by every trial: Adam, a learning-rate schedule (by default linear
 * warmup and cosine decay to {@code minLrFraction} of the peak), global-norm gradient clipping,
 * periodic evaluation.
 *
 * @param batchSize sequences per step
 * @param learningRate peak learning rate
 * @param warmupFraction share of steps spent warming up, in [0, 1)
 * @param minLrFraction final learning rate as a share of the peak (0.1 = cosine decay to 10%)
 * @param gradClip maximum global gradient L2 norm; 0 turns clipping off
 * @param evalInterval evaluate on held-out data every this many steps (and always at the end)
 * @param schedule the learning-rate schedule, a name registered in {@link Schedules}; null means
 *     the default ({@code cosine})
 * @param settings the schedule's own settings, parsed by its {@link ScheduleKind} (e.g. the wsd
 *     settings, walked as {@code training.wsd.*}); present exactly when the kind has settings
 *     (absent, it adds nothing to trial ids, so cosine trials keep theirs)
 */
public record TrainingSpec(
    int batchSize,
    double learningRate,
    double warmupFraction,
    double minLrFraction,
    double gradClip,
    int evalInterval,
    String schedule,
    @OmitWhenNull ScheduleSettings settings)
    implements Serializable {
  public TrainingSpec {
    require(batchSize > 0, "training.batch_size", "positive", batchSize);
    require(
        Double.isFinite(learningRate) && learningRate > 0,
        "training.learning_rate",
        "positive",
        learningRate);
    require(
        warmupFraction >= 0 && warmupFraction < 1,
        "training.warmup_fraction",
        "in [0, 1)",
        warmupFraction);
    require(
        minLrFraction >= 0 && minLrFraction <= 1,
        "training.min_lr_fraction",
        "in [0, 1]",
        minLrFraction);
    require(
        Double.isFinite(gradClip) && gradClip >= 0,
        "training.grad_clip",
        ">= 0 (0 = off)",
        gradClip);
    require(evalInterval > 0, "training.eval_interval", "positive", evalInterval);
    // Absent in commit files written before schedules were selectable: those trials ran cosine.
    schedule = schedule == null ? Schedules.DEFAULT : schedule;
    require(
        Schedules.isRegistered(schedule),
        "training.schedule",
        "one of the registered schedules " + Schedules.names(),
        schedule);
    ScheduleKind kind = Schedules.kind(schedule);
    Class<? extends ScheduleSettings> type = kind.settingsType();
    if (type == null) {
      require(
          settings == null,
          "training.schedule",
          "a schedule that reads the settings given (" + schedule + " has no settings of its own)",
          schedule);
    } else {
      require(
          type.isInstance(settings),
          "training.schedule",
          schedule + " exactly when its settings " + new TreeSet<>(kind.keys()) + " are given",
          schedule);
    }
  }

  /**
   * The schedule's own settings as {@code type}.
   *
   * @throws InvariantViolation when the schedule has settings of another type or none
   */
  public <S extends ScheduleSettings> S settings(Class<S> type) {
    InvariantViolation.check(
        type.isInstance(settings),
        "schedule " + schedule + " has no settings of type " + type.getSimpleName());
    return type.cast(settings);
  }

  /** The settings of a schedule without settings of its own (e.g. cosine). */
  public TrainingSpec(
      int batchSize,
      double learningRate,
      double warmupFraction,
      double minLrFraction,
      double gradClip,
      int evalInterval,
      String schedule) {
    this(
        batchSize,
        learningRate,
        warmupFraction,
        minLrFraction,
        gradClip,
        evalInterval,
        schedule,
        null);
  }

  /** The settings with the default schedule ({@value Schedules#DEFAULT}). */
  public TrainingSpec(
      int batchSize,
      double learningRate,
      double warmupFraction,
      double minLrFraction,
      double gradClip,
      int evalInterval) {
    this(
        batchSize,
        learningRate,
        warmupFraction,
        minLrFraction,
        gradClip,
        evalInterval,
        Schedules.DEFAULT);
  }

  /**
   * These settings with the schedule's own settings replaced by {@code other}, everything else
   * kept.
   */
  public TrainingSpec withSettings(ScheduleSettings other) {
    return new TrainingSpec(
        batchSize,
        learningRate,
        warmupFraction,
        minLrFraction,
        gradClip,
        evalInterval,
        schedule,
        other);
  }

  /**
   * These settings with another peak learning rate (a grid's learning-rate axis), everything else
   * kept.
   */
  public TrainingSpec withLearningRate(double peak) {
    return new TrainingSpec(
        batchSize, peak, warmupFraction, minLrFraction, gradClip, evalInterval, schedule, settings);
  }
}
