package dev.scaling.driver.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.curve.Curve;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The curves one model's curve-law fit sees, built from its committed branches. */
class ModelCurvesTest {
  /** 256 tokens per step: 32, 48, 64, 96 and 128 steps; forks at 26, 38, 51, 77 and 102. */
  static final String SPEC =
      """
      name: curves
      seed: 3
      data: {source: synthetic, eval_tokens: 512}
      model: {context: 32, head_size: 16}
      grid: {width: [32], depth: [1], tokens: [8192, 12288, 16384, 24576, 32768]}
      training:
        batch_size: 8
        learning_rate: 2.0e-3
        schedule: wsd
        warmup_tokens: 1024
        eval_interval: 4
        predict_branches: 3
      """;

  /** A made-up loss that falls with the step, the same run before any fork. */
  private static double loss(long step, boolean cooled) {
    return 3.0 / Math.sqrt(step) + 1.0 - (cooled ? 0.01 : 0);
  }

  /** A finished branch whose curve logs every 4 steps, the trunk's losses before its fork. */
  private static TrialOutcome branch(Trial t) {
    List<CurvePoint> curve = new ArrayList<>();
    for (long s = 4; s <= t.steps(); s += 4) {
      curve.add(new CurvePoint(s, s * 256, 2e-3, Double.NaN, loss(s, s > t.forkStep())));
    }
    TrialResult r =
        TrialResult.builder(t.trialId(), TrialStatus.FINISHED)
            .finalEvalLoss(loss(t.steps(), true))
            .stepsDone(t.steps())
            .resumedFromStep(t.forkStep())
            .curve(curve)
            .build();
    return new TrialOutcome(t, r, "run", "driver", "host", 0, null);
  }

  private static long[] logged(Curve c) {
    return LongStream.range(0, c.steps().length)
        .filter(i -> !Double.isNaN(c.loss()[(int) i]))
        .map(i -> c.steps()[(int) i])
        .toArray();
  }

  @Test
  void forFit_countsEveryTrunkLossOnceAndLendsAShortCooldownTheLastOnesBeforeItsFork() {
    Plan plan = Planner.plan(SpecParser.parse(SPEC));
    List<Trial> trained =
        plan.trained().stream().sorted(Comparator.comparingLong(Trial::tokens)).toList();
    assertEquals(
        List.of(26L, 51L, 102L), trained.stream().map(Trial::forkStep).toList(), "the forks");
    List<TrialOutcome> outcomes = trained.stream().map(ModelCurvesTest::branch).toList();
    List<Curve> curves = ModelCurves.forFit("trunk", outcomes);
    assertEquals(4, curves.size());

    // Trunk: losses every 4 steps to the last fork at 102 (4..100), less step 24, lent to the
    // shortest branch, whose cooldown logged only 28 and 32.
    Curve trunk = curves.get(0);
    assertEquals("trunk", trunk.run());
    assertEquals(102, trunk.lastStep());
    TreeSet<Long> expectedTrunk = new TreeSet<>();
    for (long s = 4; s <= 100; s += 4) {
      expectedTrunk.add(s);
    }
    expectedTrunk.remove(24L);
    assertArrayEquals(expectedTrunk.stream().mapToLong(Long::longValue).toArray(), logged(trunk));
    // Warmup of 1024 tokens = 4 steps from 0, then the peak to the fork: three knots.
    assertArrayEquals(new double[] {0, 2e-3, 2e-3}, rates(trunk, 0, 4, 102), 1e-15);

    assertArrayEquals(new long[] {24, 28, 32}, logged(curves.get(1)));
    assertArrayEquals(new long[] {52, 56, 60, 64}, logged(curves.get(2)));
    assertArrayEquals(new long[] {104, 108, 112, 116, 120, 124, 128}, logged(curves.get(3)));
    assertEquals(trained.get(0).trialId(), curves.get(1).run());
    assertEquals(32, curves.get(1).lastStep(), "a branch's curve is its whole schedule");
    assertEquals(0.0, curves.get(1).lr()[curves.get(1).lr().length - 1], 0.0, "cooled to 0");

    // Every logged loss of the three runs counted once: 25 trunk losses and 2 + 4 + 7 after forks.
    int total = curves.stream().mapToInt(Curve::loggedLosses).sum();
    assertEquals(25 + 2 + 4 + 7, total);
    for (Curve c : curves) {
      assertTrue(c.loggedLosses() >= ModelCurves.MIN_LOSSES, c.toString());
      for (int i = 0; i < c.steps().length; i++) {
        if (!Double.isNaN(c.loss()[i])) {
          long s = c.steps()[i];
          Trial owner = c == trunk ? trained.get(2) : trained.get(curves.indexOf(c) - 1);
          assertEquals(loss(s, s > owner.forkStep()), c.loss()[i], 0.0, "step " + s);
        }
      }
    }
  }

  private static double[] rates(Curve c, long... steps) {
    return Arrays.stream(steps).mapToDouble(c::lrAt).toArray();
  }
}
