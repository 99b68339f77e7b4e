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
 * @param microbatches equal parts each optimizer batch is split into, their gradients accumulated
 *     ({@code training.microbatches}); null for one (the whole batch at once; 1 is stored as null,
 *     so trials that never split keep their ids). Part of the trial id: accumulation sums in
 *     another order
 * @param noiseScale whether the worker measures the gradient noise scale from the microbatches
 *     ({@code training.noise_scale: on|off}, default on; needs 2 or more microbatches). Not part of
 *     the trial id: it reads gradients, never changes them
 * @param lrBatchScaling how the grid's batch sizes move the peak learning rate ({@code
 *     training.lr_batch_scaling}, default none); the planner applies it, so not part of the id
 * @param baseBatchSize the batch size at which {@code learningRate} is the peak as written ({@code
 *     training.base_batch_size}); null means {@code batchSize} as written. Not part of the id
 */
public record TrainingSpec(
    int batchSize,
    double learningRate,
    double warmupFraction,
    double minLrFraction,
    double gradClip,
    int evalInterval,
    String schedule,
    @OmitWhenNull ScheduleSettings settings,
    Integer microbatches,
    boolean noiseScale,
    LrBatchScaling lrBatchScaling,
    Integer baseBatchSize)
    implements Serializable, WalkForm {
  public TrainingSpec {
    require(batchSize > 0, "training.batch_size", "positive", batchSize);
    require(
        microbatches == null || microbatches > 0,
        "training.microbatches",
        "a positive whole number",
        microbatches);
    microbatches = microbatches == null || microbatches == 1 ? null : microbatches;
    require(
        microbatches == null || batchSize % microbatches == 0,
        "training.batch_size",
        "a multiple of training.microbatches (" + microbatches + ")",
        batchSize);
    require(
        baseBatchSize == null || baseBatchSize > 0,
        "training.base_batch_size",
        "a positive whole number",
        baseBatchSize);
    lrBatchScaling = lrBatchScaling == null ? LrBatchScaling.NONE : lrBatchScaling;
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

  /**
   * The settings with one microbatch, the noise scale on (it measures nothing with one microbatch)
   * and no batch scaling of the learning rate: what every spec was before batch sizes became an
   * axis.
   */
  public TrainingSpec(
      int batchSize,
      double learningRate,
      double warmupFraction,
      double minLrFraction,
      double gradClip,
      int evalInterval,
      String schedule,
      ScheduleSettings settings) {
    this(
        batchSize,
        learningRate,
        warmupFraction,
        minLrFraction,
        gradClip,
        evalInterval,
        schedule,
        settings,
        null,
        true,
        LrBatchScaling.NONE,
        null);
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
        other,
        microbatches,
        noiseScale,
        lrBatchScaling,
        baseBatchSize);
  }

  /**
   * These settings with another peak learning rate (a grid's learning-rate axis), everything else
   * kept.
   */
  public TrainingSpec withLearningRate(double peak) {
    return new TrainingSpec(
        batchSize,
        peak,
        warmupFraction,
        minLrFraction,
        gradClip,
        evalInterval,
        schedule,
        settings,
        microbatches,
        noiseScale,
        lrBatchScaling,
        baseBatchSize);
  }

  /**
   * These settings with another batch size (a grid's batch-size axis), everything else kept; the
   * learning rate is not rescaled here (the planner applies {@link #lrBatchScaling()}).
   */
  public TrainingSpec withBatchSize(int batch) {
    return new TrainingSpec(
        batch,
        learningRate,
        warmupFraction,
        minLrFraction,
        gradClip,
        evalInterval,
        schedule,
        settings,
        microbatches,
        noiseScale,
        lrBatchScaling,
        baseBatchSize);
  }

  /** These settings with the batch split into {@code parts} microbatches (1 or null: none). */
  public TrainingSpec withMicrobatches(Integer parts) {
    return new TrainingSpec(
        batchSize,
        learningRate,
        warmupFraction,
        minLrFraction,
        gradClip,
        evalInterval,
        schedule,
        settings,
        parts,
        noiseScale,
        lrBatchScaling,
        baseBatchSize);
  }

  /** These settings with the noise-scale measurement turned on or off. */
  public TrainingSpec withNoiseScale(boolean on) {
    return new TrainingSpec(
        batchSize,
        learningRate,
        warmupFraction,
        minLrFraction,
        gradClip,
        evalInterval,
        schedule,
        settings,
        microbatches,
        on,
        lrBatchScaling,
        baseBatchSize);
  }

  /** These settings with another learning-rate batch scaling rule and base batch size. */
  public TrainingSpec withLrBatchScaling(LrBatchScaling scaling, Integer base) {
    return new TrainingSpec(
        batchSize,
        learningRate,
        warmupFraction,
        minLrFraction,
        gradClip,
        evalInterval,
        schedule,
        settings,
        microbatches,
        noiseScale,
        scaling,
        base);
  }

  /** Microbatches per optimizer step: {@link #microbatches()}, or 1 when null. */
  public int microbatchCount() {
    return microbatches == null ? 1 : microbatches;
  }

  /** Whether the worker measures the gradient noise scale: on and 2 or more microbatches. */
  public boolean measuresNoiseScale() {
    return noiseScale && microbatchCount() >= 2;
  }

  /** The batch size the written learning rate belongs to: {@link #baseBatchSize()} or batchSize. */
  public int learningRateBase() {
    return baseBatchSize == null ? batchSize : baseBatchSize;
  }

  /**
   * The leaves trial ids and spec diffs see: the settings that decide what a trial computes, in
   * their order, then the microbatches when there are several; without the noise-scale switch (a
   * measurement) and the batch scaling rule (the planner has applied it to the learning rate).
   */
  @Override
  public Record walkForm() {
    return new Computed(
        batchSize,
        learningRate,
        warmupFraction,
        minLrFraction,
        gradClip,
        evalInterval,
        schedule,
        settings,
        microbatches);
  }

  /**
   * The walk form: what a trial computes.
   *
   * @param batchSize sequences per step
   * @param learningRate peak learning rate
   * @param warmupFraction share of steps warming up
   * @param minLrFraction final learning rate as a share of the peak
   * @param gradClip maximum global gradient norm
   * @param evalInterval steps between evaluations
   * @param schedule the schedule's name
   * @param settings the schedule's own settings, absent without
   * @param microbatches microbatches per step, absent for one
   */
  record Computed(
      int batchSize,
      double learningRate,
      double warmupFraction,
      double minLrFraction,
      double gradClip,
      int evalInterval,
      String schedule,
      @OmitWhenNull ScheduleSettings settings,
      @OmitWhenNull Integer microbatches) {}
}
