package dev.scaling.common.schedule;

import dev.scaling.common.spec.TrainingSpec;

/**
 * The default schedule kind, {@code training.schedule: cosine}: no settings of its own (warmup and
 * floor are the shared {@code training.warmup_fraction} and {@code training.min_lr_fraction}), no
 * trunks, since its decay depends on the run's length from the first step.
 */
public final class CosineKind implements ScheduleKind {
  @Override
  public String name() {
    return CosineSchedule.NAME;
  }

  @Override
  public LearningRateSchedule create(TrainingSpec training, long steps, long tokensPerStep) {
    return CosineSchedule.forTraining(training, steps, tokensPerStep);
  }
}
