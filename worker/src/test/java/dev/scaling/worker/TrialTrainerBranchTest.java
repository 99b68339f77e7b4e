package dev.scaling.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.common.trial.TrunkResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A branch of a wsd trunk is bit for bit the run it would have been alone: same weights, optimizer
 * moments, data position and schedule at its fork, so the same losses and curve after it.
 */
class TrialTrainerBranchTest {
  private static final TrialTrainer TRAINER = new TrialTrainer(new Configuration());

  /** 80 and 200 steps of 256 tokens; warmup 10 steps; 20% cooldown: forks at 64 and 160. */
  private static final Trial SHORT = TestTrials.wsd(80L * 256, 10L * 256, 0.2, 3e-3);

  private static final Trial LONG = TestTrials.wsd(200L * 256, 10L * 256, 0.2, 3e-3);

  @BeforeAll
  static void engine() {
    Engines.configure(1);
  }

  @Test
  void branch_isBitwiseTheStandaloneRun(@TempDir Path dir) {
    assertEquals(SHORT.trunkId(), LONG.trunkId());
    assertEquals(64, SHORT.forkStep());
    assertEquals(160, LONG.forkStep());
    Checkpoints store = Checkpoints.every(new Configuration(), dir.toUri().toString(), 1e9);

    TrunkResult first =
        TRAINER.trainTrunk(
            LONG, 64, Map.of(64L, List.of(SHORT.trialId())), Device.cpu(), null, store);
    assertEquals(TrialStatus.FINISHED, first.status());
    assertEquals(64, first.stepsDone());
    assertEquals(0, first.resumedFromStep());
    TrialResult shortBranch = TRAINER.train(SHORT, Device.cpu(), null, store);
    assertEquals(64, shortBranch.resumedFromStep(), "the branch starts at its fork");

    TrunkResult second =
        TRAINER.trainTrunk(
            LONG, 160, Map.of(160L, List.of(LONG.trialId())), Device.cpu(), null, store);
    assertEquals(64, second.resumedFromStep(), "the trunk's next segment resumes at the fork");
    assertEquals(96, second.stepsTrained());
    TrialResult longBranch = TRAINER.train(LONG, Device.cpu(), null, store);
    assertEquals(160, longBranch.resumedFromStep());

    TrialResult shortAlone = TRAINER.train(SHORT, Device.cpu(), null);
    TrialResult longAlone = TRAINER.train(LONG, Device.cpu(), null);
    assertIdentical(shortAlone, shortBranch);
    assertIdentical(longAlone, longBranch);
    assertNotEquals(
        shortAlone.finalEvalLoss(), longAlone.finalEvalLoss(), "two different runs, not one");
    // The cooldown shows in the applied learning rates of the curve: the peak before the fork,
    // 0 at the last step.
    assertEquals(3e-3f, (float) longAlone.curve().get(2).lr(), "step 60: stable phase");
    assertEquals(0.0, longAlone.curve().get(longAlone.curve().size() - 1).lr());
  }

  @Test
  void trunkSegment_reportsItsLastStepAtAForkOffTheListenerInterval(@TempDir Path dir) {
    Checkpoints store = Checkpoints.every(new Configuration(), dir.toUri().toString(), 1e9);
    List<Long> reported = new java.util.ArrayList<>();
    StepListener listener = (stepsDone, tokensDone) -> reported.add(stepsDone);
    // A segment ending at step 25, between two listener intervals (10 and 20 are reported).
    TrunkResult r =
        TRAINER.trainTrunk(LONG, 25, Map.of(25L, List.of("x")), Device.cpu(), listener, store);
    assertEquals(25, r.stepsDone());
    assertEquals(List.of(10L, 20L, 25L), reported);
  }

  @Test
  void trunk_divergenceStopsTheSegmentAtTheStep(@TempDir Path dir) {
    Trial absurd = TestTrials.wsd(200L * 256, 0, 0.2, 1e4);
    Checkpoints store = Checkpoints.every(new Configuration(), dir.toUri().toString(), 1e9);
    TrunkResult r =
        TRAINER.trainTrunk(absurd, 160, Map.of(160L, List.of("x")), Device.cpu(), null, store);
    assertEquals(TrialStatus.DIVERGED, r.status());
    assertTrue(r.stepsDone() < 160, "stopped at " + r.stepsDone());
    assertTrue(r.error().contains("at step") || r.error().contains("after step"), r.error());
  }

  private static void assertIdentical(TrialResult expected, TrialResult actual) {
    assertEquals(TrialStatus.FINISHED, actual.status(), actual.error());
    assertEquals(expected.finalEvalLoss(), actual.finalEvalLoss(), 0.0, "final eval loss");
    assertEquals(expected.finalTrainLoss(), actual.finalTrainLoss(), 0.0, "final train loss");
    assertEquals(expected.stepsDone(), actual.stepsDone());
    List<CurvePoint> a = expected.curve();
    List<CurvePoint> b = actual.curve();
    assertEquals(a.size(), b.size(), "curve points");
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i), b.get(i), "curve point " + i);
    }
  }
}
