package dev.scaling.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.common.spec.DataSource;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SyntheticSpec;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.report.TrialPoint;
import dev.scaling.worker.model.ModelFamilies;
import dev.scaling.worker.model.TransformerFamily;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SweepLawsTest {
  private static final DataSpec DATA =
      new DataSpec(DataSource.SYNTHETIC, null, "bytes", 0.1, 1024, SyntheticSpec.DEFAULT);

  private static Trial trial(int width, int depth, double lr) {
    return trial(width, depth, lr, 0);
  }

  private static Trial trial(int width, int depth, double lr, int replica) {
    return ModelFamilies.trial(
        "s",
        new TrialConfig(
            42,
            TransformerFamily.NAME,
            width,
            depth,
            width / 16,
            64,
            65536,
            replica,
            DATA,
            new TrainingSpec(16, lr, 0.05, 0.1, 1.0, 50)));
  }

  private static TrialOutcome finished(Trial t, double loss) {
    return new TrialOutcome(
        t,
        new TrialResult(
            t.trialId(),
            TrialStatus.FINISHED,
            loss,
            loss,
            null,
            null,
            64,
            65536,
            1,
            1000,
            "cpu()",
            List.of(),
            0),
        "run",
        "0",
        "host",
        1,
        null);
  }

  private static TrialPoint point(TrialOutcome o) {
    return new TrialPoint(
        o.trial().trialId(),
        new ScalingPoint(o.trial().nParams(), o.trial().tokens(), o.result().finalEvalLoss()));
  }

  /**
   * Width 64 depth 4 and width 128 depth 1 have one N = 12 depth width^2 = 196608: they are
   * different models, so each keeps its best learning rate; only learning-rate siblings are merged.
   */
  @Test
  void bestLearningRate_keepsDifferentShapesWithOneN_apart() {
    TrialOutcome deep = finished(trial(64, 4, 1e-3), 3.0);
    TrialOutcome deepOtherLr = finished(trial(64, 4, 3e-3), 2.9);
    TrialOutcome wide = finished(trial(128, 1, 1e-3), 3.1);
    TrialOutcome wideReplica = finished(trial(128, 1, 3e-3, 1), 3.2);
    assertEquals(12L * 4 * 64 * 64, 12L * 1 * 128 * 128, "the two shapes share N");
    List<TrialOutcome> outcomes = List.of(deep, deepOtherLr, wide, wideReplica);
    List<TrialPoint> kept =
        SweepLaws.bestLearningRate(outcomes.stream().map(SweepLawsTest::point).toList(), outcomes);
    Set<String> ids = kept.stream().map(TrialPoint::trialId).collect(Collectors.toSet());
    assertEquals(
        Set.of(
            deepOtherLr.trial().trialId(), wide.trial().trialId(), wideReplica.trial().trialId()),
        ids,
        "the deep model's better learning rate, the wide model, and the wide model's other replica");
  }
}
