package dev.scaling.common.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scaling.common.fit.Interval;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Prediction intervals from a fit's bootstrap draws. */
class CurveFitTest {
  @Test
  void predictionInterval_isThePercentileIntervalOfTheDrawsPredictions() {
    List<double[]> draws = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      double[] p = Schedules.MPL.clone();
      p[0] += 0.01 * k; // L0 from 3.00 to 3.04: the predictions shift by exactly that
      p[3] *= 1 + 0.05 * (k % 2); // and B alternates
      draws.add(p);
    }
    CurveFit fit =
        new CurveFit(CurveLawForm.MPL, Schedules.MPL, List.of(), 0, List.of("a"), 10, true, draws);
    Curve c = Schedules.wsdSqrt();
    int row = c.steps().length - 1;
    double[] at = new double[5];
    for (int k = 0; k < 5; k++) {
      at[k] = Schedules.mplReference(draws.get(k), c)[row];
    }
    Arrays.sort(at);
    // type-7 quantiles of 5 values at 0.05 and 0.95: positions 0.2 and 3.8
    double lo = at[0] + 0.2 * (at[1] - at[0]);
    double hi = at[3] + 0.8 * (at[4] - at[3]);
    Interval got = fit.predictionInterval(c, row, 0.9);
    assertEquals(lo, got.lo(), 1e-9 * lo);
    assertEquals(hi, got.hi(), 1e-9 * hi);
    assertEquals(got, fit.predictionIntervals(c, 0.9)[row]);
  }

  @Test
  void predictionInterval_rejectsRowOutsideTheCurve() {
    CurveFit fit =
        new CurveFit(
            CurveLawForm.MPL,
            Schedules.MPL,
            List.of(),
            0,
            List.of("a"),
            10,
            true,
            List.of(Schedules.MPL));
    Curve c = Schedules.cosine();
    assertThrows(
        IllegalArgumentException.class, () -> fit.predictionInterval(c, c.steps().length, 0.95));
    assertThrows(IllegalArgumentException.class, () -> fit.predictionInterval(c, 3, 1.0));
  }
}
