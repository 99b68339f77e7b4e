package dev.scaling.common.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Curves generated from Kaplan's picture: a trial at batch B needs S = S_min (1 + B_crit / B) steps
 * for what S_min steps give at a small batch, and its loss is L(N, S_min) = A N^-alpha + C
 * S_min^-beta. Then C_min = 6 N B S / (1 + B / B_crit) = 6 N B_crit S_min for every B, and the
 * compute-optimal N grows as C_min^(beta / (alpha + beta)).
 */
class ComputeFrontierTest {
  static final double A = 40;
  static final double ALPHA = 0.3;
  static final double C = 30;
  static final double BETA = 0.6;
  static final double B_CRIT = 2048;

  static double loss(double n, double sMin) {
    return A * Math.pow(n, -ALPHA) + C * Math.pow(sMin, -BETA);
  }

  /** 8 models a factor 2 apart, 3 batch sizes each, 120 log-spaced logged steps to 2e5. */
  static List<TrialCurve> curves() {
    List<TrialCurve> out = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      double n = 1e4 * Math.pow(2, i);
      for (double b : new double[] {512, 2048, 8192}) {
        List<LoggedPoint> pts = new ArrayList<>();
        long last = -1;
        for (int k = 0; k < 120; k++) {
          long s = Math.round(10 * Math.pow(2e4, k / 119.0));
          if (s == last) {
            continue;
          }
          last = s;
          pts.add(new LoggedPoint(s, loss(n, s / (1 + B_CRIT / b)), null));
        }
        out.add(new TrialCurve("n" + i + "b" + b, "model " + i, n, b, 0, pts));
      }
    }
    return out;
  }

  @Test
  void fit_findsTheModelOfLowestLossAtEachLevelAndTheExponentOfTheLaw() {
    List<TrialCurve> curves = curves();
    ComputeFrontier.Fit f =
        ComputeFrontier.fit(curves, l -> B_CRIT, new BatchFitOptions(200, 7, 0.95));
    assertTrue(f.fitted(), f.reason());
    assertTrue(f.levels().size() >= ComputeFrontier.MIN_LEVELS);
    // Each level's winner, computed here from the law itself (no interpolation): at C_min the
    // model of size n has run S_min = C_min / (6 n B_crit) steps; it counts where its curves reach.
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (ComputeFrontier.Level level : f.levels()) {
      double best = Double.POSITIVE_INFINITY;
      double bestN = 0;
      for (int i = 0; i < 8; i++) {
        double n = 1e4 * Math.pow(2, i);
        double sMin = level.cMin() / (6 * n * B_CRIT);
        // The curves of model n reach S_min from 10 / (1 + B_crit / 512) (the smallest batch's
        // first point) to 2e5 / (1 + B_crit / 8192) (the largest batch's last), over the union of
        // its batch sizes.
        if (sMin < 10 / (1 + B_CRIT / 512) || sMin > 2e5 / (1 + B_CRIT / 8192)) {
          continue;
        }
        double l = loss(n, sMin);
        if (l < best) {
          best = l;
          bestN = n;
        }
      }
      assertEquals(bestN, level.n(), 1e-9, "winner at C_min " + level.cMin());
      assertEquals(best, level.loss(), 2e-3 * best, "best loss at C_min " + level.cMin());
      if (level.fitted()) {
        x.add(Math.log(level.cMin()));
        y.add(Math.log(bestN));
      }
    }
    // The fit leaves out the flat tails: outside the fitted levels the winner is the first
    // (smallest) or last (largest) fitted winner, and each tail keeps one level.
    List<ComputeFrontier.Level> in =
        f.levels().stream().filter(ComputeFrontier.Level::fitted).toList();
    for (ComputeFrontier.Level level : f.levels()) {
      if (!level.fitted()) {
        boolean low = level.cMin() < in.get(0).cMin();
        assertEquals((low ? in.get(0) : in.get(in.size() - 1)).n(), level.n());
      }
    }
    assertTrue(
        in.get(1).n() != in.get(0).n() && in.get(in.size() - 2).n() != in.get(in.size() - 1).n());
    // Least squares slope over the fitted levels, computed here.
    int m = x.size();
    double mx = x.stream().mapToDouble(Double::doubleValue).sum() / m;
    double my = y.stream().mapToDouble(Double::doubleValue).sum() / m;
    double sxy = 0;
    double sxx = 0;
    for (int j = 0; j < m; j++) {
      sxy += (x.get(j) - mx) * (y.get(j) - my);
      sxx += (x.get(j) - mx) * (x.get(j) - mx);
    }
    assertEquals(sxy / sxx, f.a(), 1e-9);
    assertEquals(Math.exp(my - sxy / sxx * mx), f.k(), 1e-6 * f.k());
    // The discrete models track the continuous optimum's exponent beta / (alpha + beta) = 2/3.
    assertEquals(BETA / (ALPHA + BETA), f.a(), 0.1);
    assertNotNull(f.aCi());
    assertTrue(f.aCi().contains(f.a()), f.aCi().toString());
  }

  @Test
  void fit_collapsesBatchSizesOntoOneCurveInMinimumCompute() {
    // Kaplan's C_min removes the batch: the loss of every batch size of model 3 at the same C_min
    // agrees once C = 6 N B S is divided by 1 + B / B_crit, and not before.
    List<TrialCurve> model = curves().stream().filter(c -> c.group().equals("model 3")).toList();
    double n = model.get(0).n();
    double cMin = 6 * n * B_CRIT * 1000; // S_min = 1000 steps
    for (TrialCurve c : model) {
      double s = 1000 * (1 + B_CRIT / c.batchTokens());
      double cm =
          ComputeFrontier.minCompute(
              ComputeFrontier.compute(n, c.batchTokens(), s), c.batchTokens(), B_CRIT);
      assertEquals(cMin, cm, 1e-6 * cMin);
    }
  }

  @Test
  void fit_saysWhyWhenOneModelOnlyOrOneWinner() {
    List<TrialCurve> one = curves().stream().filter(c -> c.group().equals("model 0")).toList();
    ComputeFrontier.Fit f = ComputeFrontier.fit(one, l -> B_CRIT, new BatchFitOptions(0, 1, 0.9));
    assertFalse(f.fitted());
    assertTrue(f.reason().contains("at least 2 models"), f.reason());
    assertTrue(Double.isNaN(f.a()));
  }
}
