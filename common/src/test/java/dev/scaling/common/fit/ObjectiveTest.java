package dev.scaling.common.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused objectives (terms exponentiated once per distinct N and D, relative to the largest term
 * over all rows) against the plain row-by-row form, each row relative to its own largest term.
 */
class ObjectiveTest {
  private static final double DELTA = 1e-3;

  /** Row-wise Chinchilla value and gradient, the textbook way. */
  private static double chinchilla(Objective o, double[] x, double[] g) {
    double f = 0;
    java.util.Arrays.fill(g, 0);
    for (int i = 0; i < o.logL.length; i++) {
      double w = o.weight[i];
      double u1 = x[0] - x[3] * o.logN[i];
      double u2 = x[1] - x[4] * o.logD[i];
      double m = Math.max(u1, Math.max(u2, x[2]));
      double e1 = Math.exp(u1 - m);
      double e2 = Math.exp(u2 - m);
      double e3 = Math.exp(x[2] - m);
      double s = e1 + e2 + e3;
      double r = m + Math.log(s) - o.logL[i];
      f += w * Objective.huber(r, DELTA);
      double c = w * Objective.huberSlope(r, DELTA) / s;
      g[0] += c * e1;
      g[1] += c * e2;
      g[2] += c * e3;
      g[3] -= c * e1 * o.logN[i];
      g[4] -= c * e2 * o.logD[i];
    }
    return f;
  }

  /** Row-wise Kaplan value and gradient. */
  private static double kaplan(Objective o, double[] x, double[] g) {
    double f = 0;
    java.util.Arrays.fill(g, 0);
    for (int i = 0; i < o.logL.length; i++) {
      double w = o.weight[i];
      double t = x[0] - o.logN[i];
      double u1 = x[2] * t;
      double u2 = x[1] - o.logD[i];
      double m = Math.max(u1, u2);
      double e1 = Math.exp(u1 - m);
      double e2 = Math.exp(u2 - m);
      double s = e1 + e2;
      double lse = m + Math.log(s);
      double r = x[3] * lse - o.logL[i];
      f += w * Objective.huber(r, DELTA);
      double ws = w * Objective.huberSlope(r, DELTA);
      g[0] += ws * x[3] * e1 / s * x[2];
      g[1] += ws * x[3] * e2 / s;
      g[2] += ws * x[3] * e1 / s * t;
      g[3] += ws * lse;
    }
    return f;
  }

  private static Objective build(LawForm form, List<ScalingPoint> rows, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] ln = rows.stream().mapToDouble(q -> Math.log(q.n())).toArray();
    double[] ld = rows.stream().mapToDouble(q -> Math.log(q.d())).toArray();
    double[] ll = rows.stream().mapToDouble(q -> Math.log(q.loss())).toArray();
    double[] w = new double[rows.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = rng.nextInt(3); // a bootstrap-like weighting, zeros included
    }
    return form == LawForm.CHINCHILLA
        ? new Objective.Chinchilla(ln, ld, ll, w, DELTA)
        : new Objective.Kaplan(ln, ld, ll, w, DELTA);
  }

  private static void assertAgrees(Objective o, double[] x, boolean chinchilla) {
    double[] g = new double[o.dim()];
    double[] ref = new double[o.dim()];
    double f = o.valueAndGradient(x, g);
    double fRef = chinchilla ? chinchilla(o, x, ref) : kaplan(o, x, ref);
    assertEquals(fRef, f, 1e-12 * Math.abs(fRef), "value at " + java.util.Arrays.toString(x));
    assertEquals(o.value(x), f, 1e-12 * Math.abs(fRef), "value() at " + java.util.Arrays.toString(x));
    double norm = 0;
    for (double v : ref) {
      norm = Math.max(norm, Math.abs(v));
    }
    for (int i = 0; i < g.length; i++) {
      assertEquals(ref[i], g[i], 1e-10 * norm, "gradient " + i + " at " + java.util.Arrays.toString(x));
    }
  }

  @Test
  void chinchilla_fusedMatchesRowWise_onGridAndNonGridTables() {
    SplittableRandom rng = new SplittableRandom(3);
    for (List<ScalingPoint> rows : List.of(
        Synthetic.crossed(Synthetic.CHINCHILLA, 12, 20, 0.01, 1), // grid: 12 distinct N, 20 distinct D
        Synthetic.table(Synthetic.CHINCHILLA, 6, 8, 0.01, 2))) { // D = ratio N: distinct D per row
      Objective o = build(LawForm.CHINCHILLA, rows, 5);
      for (int k = 0; k < 2000; k++) {
        double scale = k % 2 == 0 ? 1 : 30;
        double[] x = {rng.nextDouble(0, 25), rng.nextDouble(0, 25), rng.nextDouble(-scale, scale),
            rng.nextDouble(-0.2 * scale, 0.2 * scale), rng.nextDouble(-0.2 * scale, 0.2 * scale)};
        assertAgrees(o, x, true);
      }
    }
  }

  @Test
  void chinchilla_rowsThatUnderflowAgainstTheGlobalMaximum_fallBackToTheirOwn() {
    Objective o = build(LawForm.CHINCHILLA, Synthetic.crossed(Synthetic.CHINCHILLA, 12, 20, 0.01, 1), 6);
    // alpha = 200 spreads a - alpha log N over ~1100 across the table: most rows underflow against the
    // smallest N's term, and the B and E terms are far below both.
    assertAgrees(o, new double[] {0, -5000, -5000, 200, 0}, true);
    assertAgrees(o, new double[] {-5000, 0, -5000, 0, 150}, true);
  }

  @Test
  void kaplan_fusedMatchesRowWise() {
    SplittableRandom rng = new SplittableRandom(4);
    Objective o = build(LawForm.KAPLAN, Synthetic.crossed(Synthetic.KAPLAN, 12, 20, 0.01, 1), 7);
    for (int k = 0; k < 2000; k++) {
      double[] x = {rng.nextDouble(10, 40), rng.nextDouble(10, 40), rng.nextDouble(0.1, 4),
          rng.nextDouble(0.02, 1)};
      assertAgrees(o, x, false);
    }
    assertAgrees(o, new double[] {40, -2000, 200, 0.1}, false);
  }
}
