package dev.scaling.common.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The annealing law against a per-step evaluation straight from its definition (the warmup taken at
 * the peak rate, as Tissue's script does) and its Jacobian against central differences. Tolerances:
 * values within 1e-12 of the loss, derivatives within 1e-7 of their largest magnitude.
 */
class AnnealingLawTest {
  private static final AnnealingLaw LAW = new AnnealingLaw(AnnealingLaw.DEFAULT_LAMBDA);
  private static final double[] P = {2.5, 1.2, 0.45, 300};

  /** L at every row, each S1 and S2 summed over the steps from scratch. */
  private static double[] reference(double[] p, Curve c, double lambda) {
    long[] steps = c.steps();
    double peak = 0;
    long peakStep = steps[0];
    for (int r = 0; r < steps.length; r++) {
      if (c.lr()[r] > peak) {
        peak = c.lr()[r];
        peakStep = steps[r];
      }
    }
    double[] out = new double[steps.length];
    for (int r = 0; r < steps.length; r++) {
      double s1 = 0;
      double s2 = 0;
      double m = 0;
      for (long s = steps[0]; s <= steps[r]; s++) {
        double eta = s < peakStep ? peak : c.lrAt(s);
        if (s > steps[0]) {
          double before = s - 1 < peakStep ? peak : c.lrAt(s - 1);
          m = lambda * m + (before - eta);
        }
        s1 += eta;
        s2 += m;
      }
      out[r] = p[0] + p[1] * Math.pow(s1, -p[2]) - p[3] * s2;
    }
    return out;
  }

  private static double[] predict(AnnealingLaw law, double[] p, Curve c, double[] jac) {
    double[] out = new double[c.steps().length];
    law.predict(p, law.prepare(c), out, jac);
    return out;
  }

  @Test
  void predict_matchesPerStepReference_onEverySchedule() {
    for (Curve c : Schedules.all()) {
      double[] want = reference(P, c, AnnealingLaw.DEFAULT_LAMBDA);
      double[] got = predict(LAW, P, c, null);
      for (int r = 0; r < want.length; r++) {
        assertEquals(want[r], got[r], 1e-12 * Math.abs(want[r]), c.run() + " row " + r);
      }
    }
  }

  @Test
  void predict_usesTheConfiguredLambda() {
    AnnealingLaw fast = new AnnealingLaw(0.9);
    Curve c = Schedules.wsdSqrt();
    double[] want = reference(P, c, 0.9);
    double[] got = predict(fast, P, c, null);
    for (int r = 0; r < want.length; r++) {
      assertEquals(want[r], got[r], 1e-12 * Math.abs(want[r]), "row " + r);
    }
  }

  @Test
  void warmup_countsAtThePeakRate() {
    // 100 warmup steps from 0 then constant: S1 at step t is (t + 1) * peak, S2 = 0
    Curve c = Schedules.warmupConstant();
    double[] got = predict(LAW, P, c, null);
    for (int r = 0; r < got.length; r++) {
      double s1 = (c.steps()[r] + 1) * 1e-3;
      assertEquals(P[0] + P[1] * Math.pow(s1, -P[2]), got[r], 1e-12, "row " + r);
    }
  }

  @Test
  void jacobian_matchesCentralDifferences() {
    for (Curve c : Schedules.all()) {
      int rows = c.steps().length;
      double[] jac = new double[rows * 4];
      predict(LAW, P, c, jac);
      for (int j = 0; j < 4; j++) {
        double h = 1e-6 * Math.abs(P[j]);
        double[] up = P.clone();
        double[] down = P.clone();
        up[j] += h;
        down[j] -= h;
        double[] fu = reference(up, c, AnnealingLaw.DEFAULT_LAMBDA);
        double[] fd = reference(down, c, AnnealingLaw.DEFAULT_LAMBDA);
        double scale = 0;
        for (int r = 0; r < rows; r++) {
          scale = Math.max(scale, Math.abs((fu[r] - fd[r]) / (2 * h)));
        }
        for (int r = 0; r < rows; r++) {
          assertEquals(
              (fu[r] - fd[r]) / (2 * h),
              jac[r * 4 + j],
              1e-7 * scale + 1e-12,
              c.run() + " parameter " + j + " row " + r);
        }
      }
    }
  }

  @Test
  void lambda_outsideZeroOne_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> new AnnealingLaw(1.0));
  }
}
