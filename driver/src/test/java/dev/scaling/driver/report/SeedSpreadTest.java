package dev.scaling.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.plan.Planner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedSpreadTest {
  /** 2 widths x 2 token counts x 3 seeds = 12 trials. */
  static final List<Trial> TRIALS =
      Planner.plan(
              SpecParser.parse(
                  """
                  name: spread
                  seed: 5
                  data: {source: synthetic}
                  model: {context: 16, head_size: 16}
                  grid: {width: [16, 32], depth: [1], tokens: [4096, 8192], seeds: [0, 1, 2]}
                  training: {batch_size: 8, learning_rate: 3.0e-3}
                  """))
          .trials();

  static TrialOutcome outcome(Trial t, TrialStatus status, double loss) {
    TrialResult r =
        TrialResult.builder(t.trialId(), status)
            .finalTrainLoss(loss)
            .finalEvalLoss(loss)
            .stepsDone(8)
            .tokensTrained(4096)
            .wallSeconds(1.0)
            .tokensPerSecond(512)
            .device("cpu()")
            .build();
    return new TrialOutcome(t, r, "run", "0", "host", 1, null);
  }

  /** Seed s of grid point (width, tokens) gets base(width, tokens) + offset[s]. */
  static List<TrialOutcome> outcomes(double[] offsets) {
    List<TrialOutcome> out = new ArrayList<>();
    for (Trial t : TRIALS) {
      var c = t.config();
      double base = 3.0 - c.width() / 100.0 - c.tokens() / 1e5;
      out.add(outcome(t, TrialStatus.FINISHED, base + offsets[c.replica()]));
    }
    return out;
  }

  @Test
  void of_poolsTheVarianceBetweenSeedsOverGridPoints() {
    // Offsets 0, 0.01, 0.02 at every point: each point's sample variance is 1e-4 (mean 0.01,
    // squares 1e-4 + 0 + 1e-4 over 2 degrees of freedom), so the pooled sd is 0.01 whatever the
    // points' own losses are.
    SeedSpread s = SeedSpread.of(outcomes(new double[] {0, 0.01, 0.02})).orElseThrow();
    assertEquals(0.01, s.sd(), 1e-12);
    assertEquals(4, s.points());
    assertEquals(12, s.trials());
  }

  @Test
  void of_skipsUnfinishedTrialsAndPointsWithOneSeed() {
    List<TrialOutcome> all = outcomes(new double[] {0, 0.03, 5});
    List<TrialOutcome> kept = new ArrayList<>();
    for (TrialOutcome o : all) {
      Trial t = o.trial();
      boolean seed2 = t.config().replica() == 2;
      boolean lonely = t.config().width() == 16 && t.config().tokens() == 4096;
      if (lonely && t.config().replica() == 1) {
        continue; // this point keeps seed 0 only (seed 2 fails below)
      }
      kept.add(seed2 ? outcome(t, TrialStatus.FAILED, o.result().finalEvalLoss()) : o);
    }
    // Three points with seeds 0 and 1, 0.03 apart: variance 0.03^2 / 2 each, pooled sd 0.03/sqrt 2.
    SeedSpread s = SeedSpread.of(kept).orElseThrow();
    assertEquals(0.03 / Math.sqrt(2), s.sd(), 1e-12);
    assertEquals(3, s.points());
    assertEquals(6, s.trials());
  }

  @Test
  void of_isEmptyWithOneSeedPerPoint() {
    List<TrialOutcome> one =
        outcomes(new double[] {0, 0, 0}).stream()
            .filter(o -> o.trial().config().replica() == 0)
            .toList();
    assertFalse(SeedSpread.of(one).isPresent());
  }

  @Test
  void sentence_comparesTheSpreadWithTheEvaluationNoise() {
    String s = new SeedSpread(0.0071, 44, 88).sentence(0.003);
    assertTrue(s.contains("varies by 0.0071 nats between seeds"), s);
    assertTrue(s.contains("over 44 points with 2+ seeds, 88 trials"), s);
    assertTrue(s.contains("2.4x the evaluation noise"), s);
  }

  @Test
  void seedSpread_rejectsAPointWithOneTrial() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SeedSpread(0.01, 2, 3));
    assertTrue(e.getMessage().contains("found sd 0.01, 2 points, 3 trials"), e.getMessage());
  }
}
