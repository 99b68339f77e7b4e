package dev.scaling.worker;

import dev.scaling.common.schedule.WsdSchedule;
import dev.scaling.common.spec.CooldownShape;
import dev.scaling.common.spec.DataSource;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.PowerLawSpec;
import dev.scaling.common.spec.SyntheticSpec;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.spec.WsdSpec;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.worker.model.ModelFamilies;
import dev.scaling.worker.model.TransformerFamily;
import java.util.function.UnaryOperator;

/** Small trials for tests. */
public final class TestTrials {
  /** A tiny synthetic language that small models learn within a few hundred steps. */
  public static final SyntheticSpec SMALL_LANGUAGE = new SyntheticSpec(16, 1, 3, 1.1);

  private TestTrials() {}

  /** A synthetic trial with the given shape and optimisation settings. */
  public static Trial synthetic(
      SyntheticSpec language,
      int width,
      int depth,
      int heads,
      int context,
      long tokens,
      int batch,
      double lr,
      double gradClip,
      int evalInterval) {
    DataSpec data =
        DataSpec.builder(DataSource.SYNTHETIC).evalTokens(2048).settings(language).build();
    TrainingSpec training = new TrainingSpec(batch, lr, 0.1, 0.1, gradClip, evalInterval);
    return ModelFamilies.trial(
        "test",
        new TrialConfig(
            7L, TransformerFamily.NAME, width, depth, heads, context, tokens, 0, data, training));
  }

  /** {@code trial} with its optimisation settings changed by {@code change} (e.g. microbatches). */
  public static Trial withTraining(Trial trial, UnaryOperator<TrainingSpec> change) {
    return ModelFamilies.trial(
        trial.sweepName(), trial.config().withTraining(change.apply(trial.training())));
  }

  /** A trial on the power-law source of {@code spec} (cosine schedule, warmup 10%). */
  public static Trial powerlaw(
      PowerLawSpec spec, int width, int depth, int context, long tokens, int batch, double lr) {
    DataSpec data = DataSpec.builder(DataSource.POWERLAW).evalTokens(2048).settings(spec).build();
    TrainingSpec training = new TrainingSpec(batch, lr, 0.1, 0.1, 1.0, 1000);
    return ModelFamilies.trial(
        "test",
        new TrialConfig(
            7L, TransformerFamily.NAME, width, depth, 2, context, tokens, 0, data, training));
  }

  /** A text trial reading {@code path}. */
  public static Trial text(String path, int context, int batch, long tokens) {
    DataSpec data =
        DataSpec.builder(DataSource.TEXT)
            .path(path)
            .validationFraction(0.25)
            .evalTokens(256)
            .build();
    TrainingSpec training = new TrainingSpec(batch, 3e-3, 0.1, 0.1, 1.0, 10);
    return ModelFamilies.trial(
        "test",
        new TrialConfig(7L, TransformerFamily.NAME, 32, 1, 2, context, tokens, 0, data, training));
  }

  /**
   * A synthetic trial under the wsd schedule (width 32, depth 2, context 16, batch 16: 256 tokens
   * per step), whose trials of equal {@code lr} differing only in {@code tokens} share a trunk.
   */
  public static Trial wsd(long tokens, long warmupTokens, double cooldownFraction, double lr) {
    DataSpec data =
        DataSpec.builder(DataSource.SYNTHETIC).evalTokens(2048).settings(SMALL_LANGUAGE).build();
    TrainingSpec training =
        new TrainingSpec(
            16,
            lr,
            0.0,
            0.0,
            1.0,
            20,
            WsdSchedule.NAME,
            new WsdSpec(warmupTokens, cooldownFraction, CooldownShape.ONE_MINUS_SQRT));
    return ModelFamilies.trial(
        "test",
        new TrialConfig(7L, TransformerFamily.NAME, 32, 2, 2, 16, tokens, 0, data, training));
  }
}
