package dev.scaling.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.scaling.common.fit.FitOptions;
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
import dev.scaling.driver.fit.FitOutcome;
import dev.scaling.driver.report.TrialPoint;
import dev.scaling.worker.model.ModelFamilies;
import dev.scaling.worker.model.TransformerFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepLawsTest {
  private static final DataSpec DATA =
      DataSpec.builder(DataSource.SYNTHETIC)
          .evalTokens(1024)
          .settings(SyntheticSpec.DEFAULT)
          .build();

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
        TrialResult.builder(t.trialId(), TrialStatus.FINISHED)
            .finalTrainLoss(loss)
            .finalEvalLoss(loss)
            .stepsDone(64)
            .tokensTrained(65536)
            .wallSeconds(1)
            .tokensPerSecond(1000)
            .device("cpu()")
            .build(),
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

  /**
   * Trials of one model and D that differ in batch size (and so, under a batch scaling rule, in
   * learning rate) are one (N, D) point of the L(N, D) fit: the lowest final loss over both is
   * kept; another model is kept apart.
   */
  @Test
  void bestLearningRate_mergesBatchSizeSiblings() {
    Trial base = trial(64, 1, 1e-3);
    Trial bigBatch =
        ModelFamilies.trial(
            "s",
            base.config().withTraining(base.training().withBatchSize(64).withLearningRate(2e-3)));
    TrialOutcome small = finished(base, 3.0);
    TrialOutcome big = finished(bigBatch, 2.95);
    TrialOutcome other = finished(trial(32, 1, 1e-3), 3.3);
    List<TrialOutcome> outcomes = List.of(small, big, other);
    List<TrialPoint> kept =
        SweepLaws.bestLearningRate(outcomes.stream().map(SweepLawsTest::point).toList(), outcomes);
    assertEquals(
        Set.of(big.trial().trialId(), other.trial().trialId()),
        kept.stream().map(TrialPoint::trialId).collect(Collectors.toSet()),
        "width 64 at its better batch size, and width 32");
  }

  /**
   * Two grid points, each trained under seeds 0 and 1 that end 0.02 and 0.04 apart: the seed spread
   * is the pooled sd sqrt((0.02^2 / 2 + 0.04^2 / 2) / 2); the evaluation noise is the median of the
   * four trials' standard errors (0.002, 0.003, 0.005, 0.009: 0.004).
   */
  @Test
  void facts_giveTheMedianEvaluationNoiseAndTheSeedSpread() {
    double[] stderr = {0.002, 0.005, 0.003, 0.009};
    List<TrialOutcome> outcomes =
        List.of(
            withStderr(finished(trial(32, 1, 1e-3, 0), 3.00), stderr[0]),
            withStderr(finished(trial(32, 1, 1e-3, 1), 3.02), stderr[1]),
            withStderr(finished(trial(64, 1, 1e-3, 0), 2.80), stderr[2]),
            withStderr(finished(trial(64, 1, 1e-3, 1), 2.84), stderr[3]));
    var facts = SweepLaws.facts(outcomes, null);
    assertEquals(0.004, facts.evalNoise(), 1e-12);
    double expected = Math.sqrt((0.02 * 0.02 / 2 + 0.04 * 0.04 / 2) / 2);
    assertEquals(expected, facts.seedSpread().sd(), 1e-12);
    assertEquals(2, facts.seedSpread().points());
    assertEquals(4, facts.seedSpread().trials());
  }

  @Test
  void facts_haveNoSeedSpreadWithOneSeedPerPoint() {
    List<TrialOutcome> outcomes =
        List.of(finished(trial(32, 1, 1e-3), 3.0), finished(trial(64, 1, 1e-3), 2.8));
    assertNull(SweepLaws.facts(outcomes, null).seedSpread());
  }

  /**
   * The facts name each trial's shape and settings for the paper figures: width 64 depth 4 at batch
   * 16 x context 64 = 1024 tokens per step, N = 12 depth width^2, its own stderr; the batch study's
   * L(N, S_min) is absent without a batch study.
   */
  @Test
  void facts_carryEachTrialsShapeForThePaperFigures() {
    TrialOutcome o = withStderr(finished(trial(64, 4, 2e-3), 3.0), 0.006);
    var trials = SweepLaws.facts(List.of(o), null).trials();
    assertEquals(1, trials.size());
    var t = trials.get(0);
    assertEquals(o.trial().trialId(), t.trialId());
    assertEquals(64, t.width());
    assertEquals(4, t.depth());
    assertEquals(12.0 * 4 * 64 * 64, t.nParams(), 0);
    assertEquals(65536, t.tokens(), 0);
    assertEquals(2e-3, t.learningRate(), 0);
    assertEquals(16, t.batchSize());
    assertEquals(1024, t.tokensPerStep());
    assertEquals(0.006, t.evalNoise(), 0);
    assertNull(SweepLaws.stepLaw(List.of()));
  }

  private static TrialOutcome withStderr(TrialOutcome o, double stderr) {
    return new TrialOutcome(
        o.trial(),
        o.result().toBuilder().evalLossStderr(stderr).build(),
        o.runId(),
        o.executorId(),
        o.host(),
        o.attempt(),
        o.provenance());
  }

  /** Nine finished trials (3 widths x 3 token counts) whose losses follow a Chinchilla law. */
  private static List<TrialOutcome> lawOutcomes(double shift) {
    List<TrialOutcome> out = new java.util.ArrayList<>();
    for (int width : new int[] {32, 64, 128}) {
      for (long tokens : new long[] {65536, 262144, 1048576}) {
        Trial t =
            ModelFamilies.trial(
                "s",
                new TrialConfig(
                    42,
                    TransformerFamily.NAME,
                    width,
                    2,
                    width / 16,
                    64,
                    tokens,
                    0,
                    DATA,
                    new TrainingSpec(16, 1e-3, 0.05, 0.1, 1.0, 50)));
        double loss =
            shift + 1.7 + 400 / Math.pow(t.nParams(), 0.34) + 410 / Math.pow(t.tokens(), 0.28);
        out.add(finished(t, loss));
      }
    }
    return out;
  }

  @Test
  void interim_afterTheFinalFitLeavesTheFinalFitsAndReportAlone(@TempDir Path dir)
      throws Exception {
    String out = dir.toUri().toString();
    Configuration conf = new Configuration();
    FitOptions options = FitOptions.defaults().withBootstrap(10, 7);
    SweepLaws.FitGate gate = new SweepLaws.FitGate();
    Path fitsFile = dir.resolve("fits/part-00000.parquet");
    Path index = dir.resolve("report/index.html");

    assertNotNull(SweepLaws.interim(lawOutcomes(0.2), out, conf, options, gate));
    byte[] interimFits = Files.readAllBytes(fitsFile);
    FitOutcome last = SweepLaws.fitAndReport(lawOutcomes(0), out, conf, options, gate);
    assertEquals(index, last.report());
    byte[] fits = Files.readAllBytes(fitsFile);
    String report = Files.readString(index);
    assertFalse(Arrays.equals(interimFits, fits), "the final fit replaced the interim one");

    // A refit started before the end that finishes after it.
    assertNull(SweepLaws.interim(lawOutcomes(0.4), out, conf, options, gate));

    assertArrayEquals(fits, Files.readAllBytes(fitsFile), "the final fits stand");
    assertEquals(report, Files.readString(index), "the final report stands");
    try (var files = Files.list(dir)) {
      assertEquals(
          List.of("fits", "report"),
          files.map(p -> p.getFileName().toString()).sorted().toList(),
          "no staging folder is left");
    }
  }
}
