package dev.scaling.driver.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scaling.common.batch.LoggedPoint;
import dev.scaling.common.batch.TrialCurve;
import dev.scaling.common.spec.DataSource;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.LrBatchScaling;
import dev.scaling.common.spec.SyntheticSpec;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.worker.model.ModelFamilies;
import dev.scaling.worker.model.TransformerFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BatchModelsTest {
  private static final DataSpec DATA =
      DataSpec.builder(DataSource.SYNTHETIC)
          .evalTokens(1024)
          .settings(SyntheticSpec.DEFAULT)
          .build();

  /** A trial at {@code batch} sequences whose peak rate the planner moved as sqrt(B / 8). */
  static Trial trial(int width, int batch, double baseLr, long tokens, int replica) {
    TrainingSpec training =
        new TrainingSpec(
            batch,
            baseLr * Math.sqrt(batch / 8.0),
            0.05,
            0.1,
            1.0,
            4,
            "cosine",
            null,
            2,
            true,
            LrBatchScaling.SQRT,
            8);
    return ModelFamilies.trial(
        "s",
        new TrialConfig(
            42, TransformerFamily.NAME, width, 1, width / 8, 32, tokens, replica, DATA, training));
  }

  static TrialOutcome finished(Trial t) {
    List<CurvePoint> curve = new ArrayList<>();
    for (long s = 4; s <= t.steps(); s += 4) {
      curve.add(new CurvePoint(s, s * t.tokensPerStep(), 1e-3, 3, 3 - 0.001 * s, 50.0 + s));
    }
    return new TrialOutcome(
        t,
        TrialResult.builder(t.trialId(), TrialStatus.FINISHED)
            .finalEvalLoss(2)
            .finalTrainLoss(2)
            .stepsDone(t.steps())
            .tokensTrained(t.tokens())
            .curve(curve)
            .build(),
        "run",
        "0",
        "host",
        0,
        null);
  }

  @Test
  void of_groupsTrialsThatDifferOnlyInBatchSizeTokensAndReplica() {
    List<TrialOutcome> outcomes = new ArrayList<>();
    for (int b : new int[] {8, 16, 32}) {
      outcomes.add(finished(trial(16, b, 1e-3, 65536, 0)));
      outcomes.add(finished(trial(16, b, 1e-3, 131072, 1)));
      outcomes.add(finished(trial(32, b, 1e-3, 65536, 0)));
      outcomes.add(finished(trial(16, b, 2e-3, 65536, 0)));
    }
    List<BatchModels.Model> models = BatchModels.of(outcomes);
    Map<String, BatchModels.Model> byName =
        models.stream().collect(Collectors.toMap(BatchModels.Model::group, m -> m));
    assertEquals(3, models.size(), byName.keySet().toString());
    // Two base rates of width 16 are two models, named by their rate at batch 1 (sqrt scaling).
    String lo = String.format(java.util.Locale.ROOT, "%.9g", 1e-3 / Math.sqrt(8));
    String hi = String.format(java.util.Locale.ROOT, "%.9g", 2e-3 / Math.sqrt(8));
    BatchModels.Model a = byName.get("width 16 depth 1 learning_rate=" + lo);
    BatchModels.Model b = byName.get("width 16 depth 1 learning_rate=" + hi);
    BatchModels.Model c = byName.get("width 32 depth 1");
    assertEquals(6, a.curves().size(), "3 batch sizes x 2 token counts (and replicas)");
    assertEquals(3, b.curves().size());
    assertEquals(3, c.curves().size());
    assertEquals(List.of(256.0, 512.0, 1024.0), a.batchSizes(), "sequences x context 32");
    assertEquals(12.0 * 32 * 32, c.n());
    for (TrialCurve t : a.curves()) {
      Trial trial =
          outcomes.stream()
              .map(TrialOutcome::trial)
              .filter(x -> x.trialId().equals(t.trialId()))
              .findFirst()
              .orElseThrow();
      // Cosine warms up over floor(0.05 x steps) steps.
      assertEquals((long) Math.floor(0.05 * trial.steps()), t.warmupSteps(), t.trialId());
      LoggedPoint p = t.points().get(2);
      assertEquals(12, p.step());
      assertEquals(3 - 0.012, p.loss(), 1e-12);
      assertEquals(62.0, p.noiseScale(), 0.0);
    }
  }

  @Test
  void of_leavesOutTrialsThatDidNotFinish() {
    Trial t = trial(16, 8, 1e-3, 65536, 0);
    TrialOutcome diverged =
        new TrialOutcome(
            t,
            TrialResult.builder(t.trialId(), TrialStatus.DIVERGED).build(),
            "run",
            "0",
            "host",
            0,
            null);
    assertEquals(List.of(), BatchModels.of(List.of(diverged)));
  }
}
