package dev.scaling.common.curve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.schedule.CosineSchedule;
import dev.scaling.common.schedule.LearningRateSchedule;
import dev.scaling.common.schedule.WsdSchedule;
import dev.scaling.common.spec.CooldownShape;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScheduleKnotsTest {

  /** The rate a curve row at {@code step} carries: 0 at step 0, else the rate of update step-1. */
  private static double applied(LearningRateSchedule s, long step) {
    return step == 0 ? 0 : s.at(step - 1);
  }

  static Stream<Arguments> schedules() {
    // The quickstart's longest branch: 8192 steps, 64 warmup, cooldown from 6554.
    return Stream.of(
        Arguments.of(
            new WsdSchedule(6e-3, 8192, 64, 6554, 0.0, CooldownShape.ONE_MINUS_SQRT), 8192L, 100),
        Arguments.of(new WsdSchedule(6e-3, 8192, 64, 6554, 0.0, CooldownShape.LINEAR), 8192L, 6),
        Arguments.of(new WsdSchedule(6e-3, 8192, 64, 6554, 0.1, CooldownShape.COSINE), 8192L, 70),
        // The trunk: the same schedule up to its last fork, warmup then flat.
        Arguments.of(
            new WsdSchedule(6e-3, 8192, 64, 6554, 0.0, CooldownShape.ONE_MINUS_SQRT), 6554L, 4),
        Arguments.of(
            new WsdSchedule(3e-3, 256, 16, 205, 0.0, CooldownShape.ONE_MINUS_SQRT), 256L, 60),
        Arguments.of(new CosineSchedule(1e-3, 5000, 250, 0.1), 5000L, 200));
  }

  @ParameterizedTest
  @MethodSource("schedules")
  void knots_interpolateTheScheduleWithinTheToleranceWithFewKnots(
      LearningRateSchedule s, long last, int maxKnots) {
    double tol = 1e-4;
    ScheduleKnots.Knots k = ScheduleKnots.of(s, last, tol);
    double peak = 0;
    for (long i = 0; i < last; i++) {
      peak = Math.max(peak, s.at(i));
    }
    double worst = 0;
    for (long step = 0; step <= last; step++) {
      worst = Math.max(worst, Math.abs(k.at(step) - applied(s, step)));
    }
    assertTrue(worst <= tol * peak * (1 + 1e-9), "worst miss " + worst + " vs " + tol * peak);
    assertTrue(k.steps().length <= maxKnots, k.steps().length + " knots, expected <= " + maxKnots);
    assertEquals(0, k.steps()[0]);
    assertEquals(0.0, k.lr()[0], "nothing is trained at step 0");
    assertEquals(last, k.steps()[k.steps().length - 1]);
    assertEquals(applied(s, last), k.lr()[k.lr().length - 1], 0.0, "the last knot is exact");
  }

  @ParameterizedTest
  @MethodSource("schedules")
  void knots_withZeroToleranceReproduceEveryStepExactly(
      LearningRateSchedule s, long last, int ignored) {
    ScheduleKnots.Knots k = ScheduleKnots.of(s, last, 0);
    for (long step = 0; step <= last; step++) {
      assertEquals(applied(s, step), k.at(step), 1e-15 * 6e-3, "step " + step);
    }
  }

  @org.junit.jupiter.api.Test
  void curve_addsLoggedRowsAtInterpolatedRatesAndKeepsTheKnots() {
    WsdSchedule s = new WsdSchedule(1.0, 100, 10, 80, 0.0, CooldownShape.LINEAR);
    ScheduleKnots.Knots k = ScheduleKnots.of(s, 100, 1e-4);
    // Warmup 0..10, flat to 80, linear to 0 at 100: four knots.
    assertArrayEquals(new long[] {0, 10, 80, 100}, k.steps());
    Curve c = k.curve("b", new long[] {50, 90, 100}, new double[] {3.0, 2.5, 2.4});
    assertArrayEquals(new long[] {0, 10, 50, 80, 90, 100}, c.steps());
    assertEquals(1.0, c.lr()[2], 0.0);
    assertEquals(s.at(89), c.lr()[4], 1e-4);
    assertEquals(3, c.loggedLosses());
    assertTrue(Double.isNaN(c.loss()[0]));
    assertEquals(2.4, c.loss()[5], 0.0);
  }
}
