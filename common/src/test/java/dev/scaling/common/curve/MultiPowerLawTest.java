package dev.scaling.common.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Multi-Power Law's evaluation against {@link Schedules#mplReference}, a per-step O(t^2)
 * evaluation straight from the definition, and its Jacobian against central differences of that
 * reference, on piecewise-linear schedules of every shape the fast scheme treats apart (a warmup
 * from 0, cosine knots, a one-step drop, a 1-sqrt cooldown to 0, long segments, a zero rate).
 *
 * <p>Tolerances: the value within 1e-9 of the loss (relative); each derivative within 1e-6 of the
 * largest magnitude of that derivative over the curve's rows (the central differences' own error is
 * about 1e-8 of it).
 */
class MultiPowerLawTest {
  private static final double VALUE_TOL = 1e-9;
  private static final double GRADIENT_TOL = 1e-6;
  private static final MultiPowerLaw LAW = new MultiPowerLaw();

  private static double[] predict(double[] p, Curve c, double[] jac) {
    double[] out = new double[c.steps().length];
    LAW.predict(p, LAW.prepare(c), out, jac);
    return out;
  }

  private static void assertMatchesReference(double[] p, Curve c) {
    double[] want = Schedules.mplReference(p, c);
    double[] got = predict(p, c, null);
    for (int r = 0; r < want.length; r++) {
      if (Double.isNaN(want[r])) {
        assertTrue(Double.isNaN(got[r]), c.run() + " row " + r + ": NaN expected, got " + got[r]);
        continue;
      }
      assertEquals(
          want[r],
          got[r],
          VALUE_TOL * Math.abs(want[r]),
          c.run() + " row " + r + " step " + c.steps()[r]);
    }
  }

  @Test
  void predict_matchesPerStepReference_onEverySchedule() {
    for (Curve c : Schedules.all()) {
      assertMatchesReference(Schedules.MPL, c);
    }
  }

  @Test
  void predict_matchesPerStepReference_atRandomParameters() {
    SplittableRandom rng = new SplittableRandom(7);
    for (int trial = 0; trial < 6; trial++) {
      double[] p = {
        2 + rng.nextDouble(),
        0.2 + rng.nextDouble(),
        0.2 + 0.6 * rng.nextDouble(),
        50 + 900 * rng.nextDouble(),
        Math.exp(-2 + 5 * rng.nextDouble()),
        0.1 + 1.4 * rng.nextDouble(),
        0.1 + 1.1 * rng.nextDouble()
      };
      for (Curve c : Schedules.all()) {
        assertMatchesReference(p, c);
      }
    }
  }

  @Test
  void predict_curveStartingLate_andSingleRow_matchReference() {
    // a schedule whose first row is step 1000 (no warmup, so S1 > 0 from the first row)
    Curve late =
        Schedules.knots(
            "late",
            new long[] {1000, 1100, 1300, 1301, 1500},
            new double[] {1e-3, 1e-3, 6e-4, 2e-4, 2e-4});
    assertMatchesReference(Schedules.MPL, late);
    assertMatchesReference(
        Schedules.MPL, Schedules.knots("one", new long[] {5}, new double[] {1e-3}));
  }

  @Test
  void predict_isNaNWhereTheAreaIsZero_only() {
    Curve c = Schedules.warmupConstant();
    double[] out = predict(Schedules.MPL, c, null);
    assertTrue(Double.isNaN(out[0]), "step 0 of a warmup from 0 has S1 = 0");
    for (int r = 1; r < out.length; r++) {
      assertTrue(Double.isFinite(out[r]), "row " + r);
    }
  }

  @Test
  void jacobian_matchesCentralDifferencesOfTheReference() {
    double[] p = Schedules.MPL;
    int dim = p.length;
    for (Curve c : Schedules.all()) {
      int rows = c.steps().length;
      double[] jac = new double[rows * dim];
      predict(p, c, jac);
      for (int j = 0; j < dim; j++) {
        double h = 1e-5 * Math.abs(p[j]);
        double[] up = p.clone();
        double[] down = p.clone();
        up[j] += h;
        down[j] -= h;
        double[] fu = Schedules.mplReference(up, c);
        double[] fd = Schedules.mplReference(down, c);
        double[] diff = new double[rows];
        double scale = 0;
        for (int r = 0; r < rows; r++) {
          diff[r] = (fu[r] - fd[r]) / (2 * h);
          if (Double.isFinite(diff[r])) {
            scale = Math.max(scale, Math.abs(diff[r]));
          }
        }
        for (int r = 0; r < rows; r++) {
          if (!Double.isFinite(diff[r])) {
            continue;
          }
          assertEquals(
              diff[r],
              jac[r * dim + j],
              GRADIENT_TOL * scale + 1e-12,
              c.run() + " d/d" + LAW.parameterNames().get(j) + " at row " + r);
        }
      }
    }
  }

  @Test
  void parameters_haveNamesMeaningsAndArePositive() {
    assertEquals(List.of("L0", "A", "alpha", "B", "C", "beta", "gamma"), LAW.parameterNames());
    assertEquals(7, LAW.parameterMeanings().size());
    for (int j = 0; j < 7; j++) {
      String meaning = LAW.parameterMeanings().get(j);
      assertTrue(
          meaning.endsWith(".") && !meaning.startsWith(LAW.parameterNames().get(j) + ":"), meaning);
      assertTrue(LAW.positive()[j]);
    }
  }
}
