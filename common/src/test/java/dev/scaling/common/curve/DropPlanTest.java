package dev.scaling.common.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast evaluation of the Multi-Power Law's drop sums against the same sums taken step by step,
 * on long curves where most of the work goes through the Taylor blocks: the paper fixture's
 * schedule shapes (cosine over 24000 and 72000 steps logged every 128) and the sweep's (a WSD over
 * 8192 steps, warmup 64 from 0, a 20% 1-sqrt cooldown to 0, rows every 8 steps).
 */
class DropPlanTest {
  /** The sweep's shape: ~1000 rows of a WSD with a 1-sqrt cooldown to 0. */
  static Curve sweepLike(String run, long total, double peak, SplittableRandom noise) {
    long warmup = 64;
    long cool = total / 5;
    List<Long> steps = new ArrayList<>();
    for (long t = 0; t <= total; t += 8) {
      steps.add(t);
    }
    if (steps.get(steps.size() - 1) != total) {
      steps.add(total);
    }
    int n = steps.size();
    long[] s = new long[n];
    double[] lr = new double[n];
    double[] loss = new double[n];
    for (int i = 0; i < n; i++) {
      long t = steps.get(i);
      s[i] = t;
      lr[i] =
          t <= warmup
              ? peak * t / warmup
              : t <= total - cool
                  ? peak
                  : peak * (1 - Math.sqrt((double) (t - (total - cool)) / cool));
      loss[i] = t == 0 ? Double.NaN : 3 + 2 * Math.pow(t, -0.3) * (1 + 1e-3 * noise.nextGaussian());
    }
    return new Curve(run, s, lr, loss);
  }

  static Curve cosine(long total) {
    return Schedules.sampled(
        "cosine_" + total,
        total,
        128,
        t ->
            t <= 2160
                ? 3e-4 * t / 2160
                : 3e-5 + 0.5 * 2.7e-4 * (1 + Math.cos(Math.PI * (t - 2160) / (total - 2160.0))));
  }

  private static double maxRelative(double[] fast, double[] exact, int component) {
    double m = 0;
    double scale = 0;
    for (int r = 0; r < fast.length / 4; r++) {
      scale = Math.max(scale, Math.abs(exact[4 * r + component]));
    }
    for (int r = 0; r < fast.length / 4; r++) {
      m = Math.max(m, Math.abs(fast[4 * r + component] - exact[4 * r + component]) / scale);
    }
    return m;
  }

  private static void compare(Curve c, double[] p) {
    DropSums d = DropSums.of(c);
    int rows = d.rows();
    double[] fast = new double[4 * rows];
    double[] exact = new double[4 * rows];
    d.evaluate(p[4], p[5], p[6], fast);
    long t0 = System.nanoTime();
    int reps = 0;
    while (System.nanoTime() - t0 < 500_000_000L) {
      d.evaluate(p[4], p[5], p[6], fast);
      reps++;
    }
    double perCall = (System.nanoTime() - t0) / 1e6 / reps;
    long t1 = System.nanoTime();
    d.exact(p[4], p[5], p[6], exact);
    double exactMs = (System.nanoTime() - t1) / 1e6;
    DropPlan plan = d.plan();
    System.out.printf(
        Locale.ROOT,
        "%-14s %5d rows: fast %.3f ms/call (exact %.1f ms), %d blocks + %d chunks over all rows,"
            + " %d nodes; max error / max |D|: %.1e, dC %.1e, dbeta %.1e, dgamma %.1e%n",
        c.run(),
        rows,
        perCall,
        exactMs,
        plan.takenCount(),
        plan.exactChunkCount(),
        plan.nodeCount(),
        maxRelative(fast, exact, 0),
        maxRelative(fast, exact, 1),
        maxRelative(fast, exact, 2),
        maxRelative(fast, exact, 3));
    for (int k = 0; k < 4; k++) {
      assertTrue(maxRelative(fast, exact, k) < (k == 0 ? 1e-8 : 1e-6), c.run() + " component " + k);
    }
  }

  @Test
  void fast_matchesStepByStep_onLongCurves() {
    double[] p = MplPaperFixtureTest.PUBLISHED;
    compare(cosine(24000), p);
    compare(cosine(72000), p);
    // the paper's wsdcon shape: constant, a drop between two logged steps, constant again
    compare(
        Schedules.sampled(
            "wsdcon", 16000, 128, t -> t <= 2160 ? 3e-4 * t / 2160 : t <= 8064 ? 3e-4 : 9e-5),
        p);
    compare(sweepLike("wsd_8192", 8192, 3e-4, new SplittableRandom(1)), p);
    compare(sweepLike("wsd_8192_hi", 8192, 1e-2, new SplittableRandom(1)), p);
    double[] q = {3, 0.5, 0.5, 400, 20, 1.5, 1.2};
    compare(sweepLike("wsd_q", 8192, 3e-4, new SplittableRandom(1)), q);
    double[] w = {3, 0.5, 0.5, 400, 0.1, 0.3, 0.2};
    compare(sweepLike("wsd_w", 8192, 3e-4, new SplittableRandom(1)), w);
    compare(cosine(24000), w);
  }

  @Test
  void fast_matchesTheIndependentReference_onTheSweepShape() {
    Curve c = sweepLike("wsd", 8192, 3e-4, new SplittableRandom(2));
    double[] p = MplPaperFixtureTest.PUBLISHED;
    double[] want = Schedules.mplReference(p, c);
    double[] got = CurveFit.given(CurveLawForm.MPL, p).predict(c);
    for (int r = 1; r < want.length; r++) {
      assertEquals(want[r], got[r], 1e-9 * want[r], "row " + r);
    }
  }
}
