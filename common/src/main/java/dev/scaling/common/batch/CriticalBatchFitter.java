package dev.scaling.common.batch;

import dev.scaling.common.fit.Bfgs;
import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.Quantiles;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.SpecException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fits S = S_min + E_min / B (McCandlish et al. 2018; Kaplan et al. 2020, eq. 5.4) to the steps
 * that runs at several batch sizes needed to reach one target loss, by least squares on log S: BFGS
 * over (log S_min, log E_min) from the better of the linear least-squares start (S against 1/B,
 * weighted by 1/S^2) and the best point of a profile over B_crit (for a fixed B_crit = E_min /
 * S_min the best log S_min is a mean). The bootstrap resamples the points with replacement from the
 * options' seed.
 */
public final class CriticalBatchFitter {
  /** Fewest distinct batch sizes the two-parameter hyperbola is fitted to. */
  public static final int MIN_BATCH_SIZES = 3;

  /** Profile grid points over log B_crit. */
  private static final int PROFILE = 97;

  /** How far the profile reaches beyond the batch sizes measured, in natural log units. */
  private static final double PROFILE_REACH = Math.log(1e4);

  private final BatchFitOptions options;

  /** A fitter with these bootstrap options. */
  public CriticalBatchFitter(BatchFitOptions options) {
    InvariantViolation.check(options != null, "a critical-batch fitter needs options");
    this.options = options;
  }

  /**
   * S = S_min + E_min / B fitted by least squares on log S, with bootstrap intervals when the
   * options ask for resamples.
   *
   * @param group the group the points belong to (a model), reported back and named in errors
   * @param target the target loss the steps were counted to
   * @param points at least {@value #MIN_BATCH_SIZES} distinct batch sizes
   * @throws SpecException naming {@code batch_size} and the group with fewer than {@value
   *     #MIN_BATCH_SIZES} distinct batch sizes
   */
  public CriticalBatch fit(String group, double target, List<StepsPoint> points) {
    InvariantViolation.check(points != null, "a critical-batch fit needs points");
    int n = points.size();
    double[] b = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      b[i] = points.get(i).batch();
      y[i] = Math.log(points.get(i).steps());
    }
    double[] ones = new double[n];
    Arrays.fill(ones, 1.0);
    int distinct = distinctBatches(b, ones);
    if (distinct < MIN_BATCH_SIZES) {
      throw SpecException.of(
          "batch_size",
          "fewer than "
              + MIN_BATCH_SIZES
              + " batch sizes for "
              + group
              + " at target "
              + target
              + ": found "
              + distinct);
    }
    double[] theta = solve(b, y, ones);
    if (theta == null) {
      throw new InvariantViolation(
          "the critical-batch fit of " + group + " at target " + target + " did not converge");
    }
    double sMin = Math.exp(theta[0]);
    double eMin = Math.exp(theta[1]);
    double rms = Math.sqrt(2 * new Hyperbola(b, y, ones).value(theta) / n);
    Interval sCi = null;
    Interval eCi = null;
    Interval bCi = null;
    int failed = 0;
    if (options.bootstrap() > 0) {
      SplittableRandom rng = new SplittableRandom(options.seed());
      double[] sDraws = new double[options.bootstrap()];
      double[] eDraws = new double[options.bootstrap()];
      double[] bDraws = new double[options.bootstrap()];
      double[] w = new double[n];
      for (int r = 0; r < options.bootstrap(); r++) {
        Arrays.fill(w, 0);
        for (int k = 0; k < n; k++) {
          w[rng.nextInt(n)] += 1;
        }
        double[] t = distinctBatches(b, w) >= MIN_BATCH_SIZES ? solve(b, y, w) : null;
        if (t == null) {
          failed++;
          sDraws[r] = eDraws[r] = bDraws[r] = Double.NaN;
          continue;
        }
        sDraws[r] = Math.exp(t[0]);
        eDraws[r] = Math.exp(t[1]);
        bDraws[r] = Math.exp(t[1] - t[0]);
      }
      sCi = Quantiles.percentile(sDraws, options.confidence());
      eCi = Quantiles.percentile(eDraws, options.confidence());
      bCi = Quantiles.percentile(bDraws, options.confidence());
    }
    return new CriticalBatch(
        group, target, sMin, eMin, Math.exp(theta[1] - theta[0]), sCi, eCi, bCi, n, rms, failed);
  }

  /** Distinct batch sizes among the points of positive weight. */
  static int distinctBatches(double[] b, double[] w) {
    double[] kept = new double[b.length];
    int k = 0;
    for (int i = 0; i < b.length; i++) {
      if (w[i] > 0) {
        kept[k++] = b[i];
      }
    }
    return (int) Arrays.stream(kept, 0, k).distinct().count();
  }

  /**
   * The weighted least-squares (log S_min, log E_min) by BFGS from the better of the linear and the
   * profile start (the other when that one fails), or null when neither gives a finite fit.
   */
  static double[] solve(double[] b, double[] y, double[] w) {
    Hyperbola f = new Hyperbola(b, y, w);
    double[] linear = linearStart(b, y, w);
    double[] profile = profileStart(b, y, w);
    double[] first = profile;
    double[] second = linear;
    if (linear != null && f.value(linear) < f.value(profile)) {
      first = linear;
      second = profile;
    }
    Bfgs bfgs = new Bfgs(f);
    for (double[] start : new double[][] {first, second}) {
      if (start == null) {
        continue;
      }
      Bfgs.Result r = bfgs.minimise(start, Bfgs.TIGHT);
      if (Double.isFinite(r.f()) && finite(r.x())) {
        return r.x();
      }
    }
    return null;
  }

  /**
   * The weighted linear least squares of S on 1/B with weights w/S^2 (a first-order stand-in for
   * least squares on log S), as logs; null when either coefficient is not positive.
   */
  static double[] linearStart(double[] b, double[] y, double[] w) {
    double s0 = 0;
    double s1 = 0;
    double s11 = 0;
    double t0 = 0;
    double t1 = 0;
    for (int i = 0; i < b.length; i++) {
      double s = Math.exp(y[i]);
      double wi = w[i] / (s * s);
      double x = 1 / b[i];
      s0 += wi;
      s1 += wi * x;
      s11 += wi * x * x;
      t0 += wi * s;
      t1 += wi * x * s;
    }
    double det = s0 * s11 - s1 * s1;
    if (!(Math.abs(det) > 0)) {
      return null;
    }
    double sMin = (s11 * t0 - s1 * t1) / det;
    double eMin = (s0 * t1 - s1 * t0) / det;
    if (!(sMin > 0 && eMin > 0)) {
      return null;
    }
    return new double[] {Math.log(sMin), Math.log(eMin)};
  }

  /**
   * The best point of a grid over log B_crit from the smallest batch size / 1e4 to the largest x
   * 1e4: for fixed B_crit, log S = log S_min + log(1 + B_crit / B), so log S_min is a weighted
   * mean.
   */
  static double[] profileStart(double[] b, double[] y, double[] w) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    double wSum = 0;
    for (int i = 0; i < b.length; i++) {
      if (w[i] > 0) {
        lo = Math.min(lo, Math.log(b[i]));
        hi = Math.max(hi, Math.log(b[i]));
        wSum += w[i];
      }
    }
    lo -= PROFILE_REACH;
    hi += PROFILE_REACH;
    double bestSse = Double.POSITIVE_INFINITY;
    double[] best = null;
    double[] c = new double[b.length];
    for (int g = 0; g < PROFILE; g++) {
      double logBc = lo + (hi - lo) * g / (PROFILE - 1);
      double bc = Math.exp(logBc);
      double mean = 0;
      for (int i = 0; i < b.length; i++) {
        // Math.log is an intrinsic, log1p is not; a start needs no more precision than this.
        c[i] = y[i] - Math.log(1 + bc / b[i]);
        mean += w[i] * c[i];
      }
      mean /= wSum;
      double sse = 0;
      for (int i = 0; i < b.length; i++) {
        double r = c[i] - mean;
        sse += w[i] * r * r;
      }
      if (sse < bestSse) {
        bestSse = sse;
        best = new double[] {mean, mean + logBc};
      }
    }
    return best;
  }

  private static boolean finite(double[] x) {
    return Arrays.stream(x).allMatch(Double::isFinite);
  }

  /**
   * Half the weighted sum of squared log residuals of S_hat = exp(t0) + exp(t1) / B, with its
   * gradient in t = (log S_min, log E_min).
   */
  static final class Hyperbola implements Bfgs.Function {
    private final double[] b;
    private final double[] y;
    private final double[] w;

    Hyperbola(double[] b, double[] y, double[] w) {
      this.b = b;
      this.y = y;
      this.w = w;
    }

    @Override
    public int dim() {
      return 2;
    }

    @Override
    public double[] scratch() {
      return new double[0];
    }

    double value(double[] t) {
      return valueAndGradient(t, new double[2], null);
    }

    @Override
    public double valueAndGradient(double[] t, double[] grad, double[] scratch) {
      double s = Math.exp(t[0]);
      double e = Math.exp(t[1]);
      double f = 0;
      double g0 = 0;
      double g1 = 0;
      for (int i = 0; i < b.length; i++) {
        if (w[i] == 0) {
          continue;
        }
        double v = e / b[i];
        double p = s + v;
        double r = Math.log(p) - y[i];
        f += 0.5 * w[i] * r * r;
        g0 += w[i] * r * s / p;
        g1 += w[i] * r * v / p;
      }
      grad[0] = g0;
      grad[1] = g1;
      return Double.isFinite(f) ? f : Double.POSITIVE_INFINITY;
    }
  }
}
