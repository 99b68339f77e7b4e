package dev.scaling.common.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepsToTargetTest {
  /** A curve of (step, loss) pairs with a noise scale of 100 x step at each point. */
  static TrialCurve curve(double batchTokens, double... stepLoss) {
    List<LoggedPoint> pts = new ArrayList<>();
    for (int i = 0; i < stepLoss.length; i += 2) {
      pts.add(new LoggedPoint((long) stepLoss[i], stepLoss[i + 1], 100 * stepLoss[i]));
    }
    return new TrialCurve("t", "m", 1000, batchTokens, 0, pts);
  }

  @Test
  void of_interpolatesLinearlyInTheStepBetweenTheTwoPointsAroundTheCrossing() {
    TrialCurve c = curve(512, 0, 5.0, 10, 4.0, 20, 3.0, 30, 2.5);
    // 3.4 lies 0.6 of the way from 4.0 (step 10) down to 3.0 (step 20): S = 10 + 0.6 * 10 = 16.
    StepsToTarget.Crossing x = StepsToTarget.of(c, 3.4).orElseThrow();
    assertEquals(16.0, x.steps(), 1e-12);
    assertEquals(16.0 * 512, x.examples(), 1e-9);
    assertEquals(10, x.before());
    assertEquals(20, x.after());
    // Exactly on a logged loss: that step.
    assertEquals(20.0, StepsToTarget.of(c, 3.0).orElseThrow().steps(), 1e-12);
  }

  @Test
  void of_takesTheFirstCrossingNotALaterOne() {
    // Down to 3 at step 10, back up to 4, then down to 2: 3.5 is first reached between steps 0
    // and 10, (5 - 3.5) / (5 - 3) = 0.75 of the way.
    TrialCurve c = curve(64, 0, 5.0, 10, 3.0, 20, 4.0, 30, 2.0);
    assertEquals(7.5, StepsToTarget.of(c, 3.5).orElseThrow().steps(), 1e-12);
  }

  @Test
  void of_isEmptyWhenNeverReachedAndTheFirstStepWhenReachedAtOnce() {
    TrialCurve c = curve(64, 4, 5.0, 8, 4.0, 12, 3.0);
    assertTrue(StepsToTarget.of(c, 2.9).isEmpty());
    assertEquals(4.0, StepsToTarget.of(c, 6.0).orElseThrow().steps(), 1e-12);
  }

  @Test
  void of_skipsPointsWithoutAnEvaluation() {
    // The NaN at step 10 is not a point of the curve: 3.5 lies halfway from 4 (step 0) to 3
    // (step 20).
    TrialCurve c = curve(64, 0, 4.0, 10, Double.NaN, 20, 3.0);
    assertEquals(10.0, StepsToTarget.of(c, 3.5).orElseThrow().steps(), 1e-12);
  }

  @Test
  void noiseAt_readsTheLoggedStepNearestTheCrossing() {
    TrialCurve c = curve(64, 0, 5.0, 10, 4.0, 20, 3.0, 30, 2.5);
    // S = 16 is nearest step 20, whose noise scale is 2000; S = 14 is nearest step 10.
    assertEquals(2000.0, StepsToTarget.noiseAt(c, StepsToTarget.of(c, 3.4).orElseThrow()), 1e-12);
    assertEquals(1000.0, StepsToTarget.noiseAt(c, StepsToTarget.of(c, 3.6).orElseThrow()), 1e-12);
    TrialCurve none =
        new TrialCurve(
            "t",
            "m",
            1000,
            64,
            0,
            List.of(new LoggedPoint(0, 5, null), new LoggedPoint(10, 3, null)));
    assertNull(StepsToTarget.noiseAt(none, StepsToTarget.of(none, 4).orElseThrow()));
  }
}
