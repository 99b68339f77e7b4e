package dev.scaling.common.curve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongToDoubleFunction;

/**
 * Piecewise-linear test schedules (knots of step and rate) and an independent, slow, per-step
 * reference of the Multi-Power Law, for the laws' and the fitter's tests.
 */
final class Schedules {
  private Schedules() {}

  /** A curve through the given knots, with NaN losses (or the given ones). */
  static Curve knots(String run, long[] steps, double[] lr) {
    double[] loss = new double[steps.length];
    Arrays.fill(loss, Double.NaN);
    return new Curve(run, steps, lr, loss);
  }

  /** Knots of {@code f} at 0, every {@code every} steps, and at {@code last}. */
  static Curve sampled(String run, long last, long every, LongToDoubleFunction f) {
    List<Long> s = new ArrayList<>();
    for (long t = 0; t < last; t += every) {
      s.add(t);
    }
    s.add(last);
    long[] steps = s.stream().mapToLong(Long::longValue).toArray();
    double[] lr = Arrays.stream(steps).mapToDouble(f::applyAsDouble).toArray();
    return knots(run, steps, lr);
  }

  /** Warmup from 0 over 100 steps to 1e-3, then constant to step 600, rows every 10. */
  static Curve warmupConstant() {
    return sampled("warmup", 600, 10, t -> t <= 100 ? 1e-3 * t / 100 : 1e-3);
  }

  /** Warmup over 50 steps, cosine from 1e-3 to 1e-4 over 450 more, knots every 20 steps. */
  static Curve cosine() {
    return sampled(
        "cosine",
        500,
        20,
        t ->
            t <= 50
                ? 1e-3 * t / 50
                : 1e-4 + 0.5 * 9e-4 * (1 + Math.cos(Math.PI * (t - 50) / 450.0)));
  }

  /** Constant 1e-3 from step 0, a one-step drop to 3e-4 at 201, then constant to 400. */
  static Curve oneStepDrop() {
    return knots(
        "drop",
        new long[] {0, 50, 100, 150, 200, 201, 225, 250, 300, 350, 400},
        new double[] {1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 3e-4, 3e-4, 3e-4, 3e-4, 3e-4, 3e-4});
  }

  /**
   * WSD: warmup from 0 over 16 steps, constant 1e-3 to step 800, then a 1-sqrt cooldown to 0 over
   * 200 steps with knots every 4 steps.
   */
  static Curve wsdSqrt() {
    List<Long> s = new ArrayList<>();
    for (long t = 0; t <= 16; t += 8) {
      s.add(t);
    }
    for (long t = 100; t <= 800; t += 100) {
      s.add(t);
    }
    for (long t = 804; t <= 1000; t += 4) {
      s.add(t);
    }
    long[] steps = s.stream().mapToLong(Long::longValue).toArray();
    double[] lr =
        Arrays.stream(steps)
            .mapToDouble(
                t ->
                    t <= 16
                        ? 1e-3 * t / 16
                        : t <= 800 ? 1e-3 : 1e-3 * (1 - Math.sqrt((t - 800) / 200.0)))
            .toArray();
    return knots("wsd", steps, lr);
  }

  /**
   * Long segments: a warmup from 0 over 300 steps, a linear decay over 2500 steps to 1e-4, a drop
   * to 0 for 100 steps, and a rise back to 5e-4 (negative gaps after a zero rate).
   */
  static Curve longSegments() {
    return knots(
        "long",
        new long[] {0, 300, 2800, 2801, 2900, 3200, 3201, 3500},
        new double[] {0, 1e-3, 1e-4, 0, 0, 5e-4, 5e-4, 5e-4});
  }

  /** Every test schedule. */
  static List<Curve> all() {
    return List.of(warmupConstant(), cosine(), oneStepDrop(), wsdSqrt(), longSegments());
  }

  /** Typical 25M-model parameters from the paper, at rates of order 1e-3. */
  static final double[] MPL = {3.0, 0.5, 0.5, 400, 2.0, 0.6, 0.6};

  /**
   * The Multi-Power Law at every row of {@code curve}, straight from its definition: the rate at
   * each step from {@link Curve#lrAt}, S1 and every S1(t) - S1(k-1) as plain sums over the steps.
   * O(t) per row, O(t^2) per curve.
   */
  static double[] mplReference(double[] p, Curve curve) {
    long[] steps = curve.steps();
    long s0 = steps[0];
    double[] out = new double[steps.length];
    for (int r = 0; r < steps.length; r++) {
      long t = steps[r];
      double after = 0; // sum of eta_i for i = k..t, built from k = t down
      double drop = 0;
      for (long k = t; k > s0; k--) {
        double etaK = curve.lrAt(k);
        after += etaK;
        double gap = curve.lrAt(k - 1) - etaK;
        double g;
        if (etaK == 0) {
          g = after > 0 ? 1 : 0;
        } else {
          g = 1 - Math.pow(p[4] * Math.pow(etaK, -p[6]) * after + 1, -p[5]);
        }
        drop += gap * g;
      }
      double s1 = after + curve.lrAt(s0);
      out[r] = s1 > 0 ? p[0] + p[1] * Math.pow(s1, -p[2]) - p[3] * drop : Double.NaN;
    }
    return out;
  }
}
