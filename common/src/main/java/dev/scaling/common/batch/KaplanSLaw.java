package dev.scaling.common.batch;

import dev.scaling.common.fit.Bfgs;
import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.Quantiles;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.SpecException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Loss against model size and minimum steps, Kaplan et al. 2020 eq. 5.6: L(N, S_min) = (N_c/N)^
 * alpha_N + (S_c/S_min)^alpha_S, fitted jointly over models and targets by least squares on log L.
 * BFGS works on (c_N, log alpha_N, c_S, log alpha_S), each term written exp(c - alpha x) with x the
 * centred log N or log S_min (so both exponents stay positive and the terms are well scaled), from
 * a grid of 48 starts; the best distinct ends are polished. The bootstrap resamples the points and
 * restarts from the full fit's best ends.
 */
public final class KaplanSLaw {
  /** Fewest points: one more than the law's four parameters. */
  public static final int MIN_POINTS = 5;

  private static final double[] ALPHA_N = {0.03, 0.1, 0.3, 1.0};
  private static final double[] ALPHA_S = {0.1, 0.3, 1.0, 3.0};
  private static final double[] SHARE_N = {0.25, 0.5, 0.75};

  private KaplanSLaw() {}

  /**
   * Fits the law to {@code >= 5} points with at least 2 distinct N and 2 distinct S_min.
   *
   * @throws SpecException naming {@code kaplan_s} when the points cannot determine the law
   */
  public static KaplanSFit fit(List<KaplanSPoint> points, BatchFitOptions options) {
    InvariantViolation.check(
        points != null && options != null, "an L(N, S_min) fit needs points and options");
    int n = points.size();
    double[] lnN = new double[n];
    double[] lnS = new double[n];
    double[] lnL = new double[n];
    for (int i = 0; i < n; i++) {
      lnN[i] = Math.log(points.get(i).n());
      lnS[i] = Math.log(points.get(i).sMin());
      lnL[i] = Math.log(points.get(i).loss());
    }
    double mN = Arrays.stream(lnN).average().orElse(0);
    double mS = Arrays.stream(lnS).average().orElse(0);
    double[] xN = Arrays.stream(lnN).map(v -> v - mN).toArray();
    double[] xS = Arrays.stream(lnS).map(v -> v - mS).toArray();
    double[] ones = new double[n];
    Arrays.fill(ones, 1.0);
    long distinctN = Arrays.stream(lnN).distinct().count();
    long distinctS = Arrays.stream(lnS).distinct().count();
    if (n < MIN_POINTS || distinctN < 2 || distinctS < 2) {
      throw SpecException.of(
          "kaplan_s",
          String.format(
              Locale.ROOT,
              "L(N, S_min) needs at least %d (N, S_min, loss) points over 2 or more model sizes"
                  + " and 2 or more S_min: found %d points, %d sizes, %d S_min",
              MIN_POINTS,
              n,
              distinctN,
              distinctS));
    }
    Law f = new Law(xN, xS, lnL, ones);
    double meanL = Math.exp(Arrays.stream(lnL).average().orElse(0));
    List<Bfgs.Result> ends = new ArrayList<>();
    Bfgs bfgs = new Bfgs(f);
    for (double aN : ALPHA_N) {
      for (double aS : ALPHA_S) {
        for (double share : SHARE_N) {
          double[] start = {
            Math.log(share * meanL), Math.log(aN), Math.log((1 - share) * meanL), Math.log(aS)
          };
          Bfgs.Result r = bfgs.minimise(start, Bfgs.LOOSE);
          if (Double.isFinite(r.f())) {
            ends.add(r);
          }
        }
      }
    }
    ends.sort(Comparator.comparingDouble(Bfgs.Result::f));
    List<double[]> best = new ArrayList<>();
    for (Bfgs.Result r : Bfgs.distinctEnds(ends, Bfgs.Result::x, 4)) {
      best.add(r.x());
    }
    double[] theta = polish(f, best);
    if (theta == null) {
      throw new InvariantViolation("the L(N, S_min) fit found no finite optimum from any start");
    }
    double rms = Math.sqrt(2 * f.value(theta) / n);
    Interval[] ci = new Interval[4];
    int failed = 0;
    if (options.bootstrap() > 0) {
      List<double[]> starts = new ArrayList<>();
      starts.add(theta);
      starts.addAll(best);
      SplittableRandom rng = new SplittableRandom(options.seed());
      double[][] draws = new double[4][options.bootstrap()];
      double[] w = new double[n];
      for (int r = 0; r < options.bootstrap(); r++) {
        Arrays.fill(w, 0);
        for (int k = 0; k < n; k++) {
          w[rng.nextInt(n)] += 1;
        }
        double[] t = determined(lnN, lnS, w) ? polish(new Law(xN, xS, lnL, w), starts) : null;
        if (t == null) {
          failed++;
          for (double[] d : draws) {
            d[r] = Double.NaN;
          }
          continue;
        }
        double[] p = natural(t, mN, mS);
        for (int k = 0; k < 4; k++) {
          draws[k][r] = p[k];
        }
      }
      for (int k = 0; k < 4; k++) {
        ci[k] = Quantiles.percentile(draws[k], options.confidence());
      }
    }
    double[] p = natural(theta, mN, mS);
    return new KaplanSFit(p[0], p[1], p[2], p[3], ci[0], ci[1], ci[2], ci[3], n, rms, failed);
  }

  /** L at {@code n} parameters and {@code sMin} steps: (N_c/N)^alpha_N + (S_c/S_min)^alpha_S. */
  public static double predict(KaplanSFit fit, double n, double sMin) {
    return Math.pow(fit.nC() / n, fit.alphaN()) + Math.pow(fit.sC() / sMin, fit.alphaS());
  }

  /** Whether the drawn points (positive weight) can determine four parameters. */
  private static boolean determined(double[] lnN, double[] lnS, double[] w) {
    Set<Double> ns = new HashSet<>();
    Set<Double> ss = new HashSet<>();
    Set<List<Double>> pts = new HashSet<>();
    for (int i = 0; i < w.length; i++) {
      if (w[i] > 0) {
        ns.add(lnN[i]);
        ss.add(lnS[i]);
        pts.add(List.of(lnN[i], lnS[i]));
      }
    }
    return ns.size() >= 2 && ss.size() >= 2 && pts.size() >= 4;
  }

  /** The best finite end of tight runs from {@code starts}, or null. */
  private static double[] polish(Law f, List<double[]> starts) {
    Bfgs bfgs = new Bfgs(f);
    double[] best = null;
    double bestF = Double.POSITIVE_INFINITY;
    for (double[] s : starts) {
      Bfgs.Result r = bfgs.minimise(s, Bfgs.TIGHT);
      if (Double.isFinite(r.f())
          && r.f() < bestF
          && Arrays.stream(r.x()).allMatch(Double::isFinite)) {
        bestF = r.f();
        best = r.x();
      }
    }
    return best;
  }

  /** (N_c, alpha_N, S_c, alpha_S) from (c_N, log alpha_N, c_S, log alpha_S). */
  private static double[] natural(double[] t, double mN, double mS) {
    double aN = Math.exp(t[1]);
    double aS = Math.exp(t[3]);
    return new double[] {Math.exp(mN + t[0] / aN), aN, Math.exp(mS + t[2] / aS), aS};
  }

  /**
   * Half the weighted sum of squared log residuals of L_hat = exp(c_N - alpha_N x_N) + exp(c_S -
   * alpha_S x_S), with its gradient in (c_N, log alpha_N, c_S, log alpha_S).
   */
  static final class Law implements Bfgs.Function {
    private final double[] xN;
    private final double[] xS;
    private final double[] y;
    private final double[] w;

    Law(double[] xN, double[] xS, double[] y, double[] w) {
      this.xN = xN;
      this.xS = xS;
      this.y = y;
      this.w = w;
    }

    @Override
    public int dim() {
      return 4;
    }

    @Override
    public double[] scratch() {
      return new double[0];
    }

    double value(double[] t) {
      return valueAndGradient(t, new double[4], null);
    }

    @Override
    public double valueAndGradient(double[] t, double[] g, double[] scratch) {
      double aN = Math.exp(t[1]);
      double aS = Math.exp(t[3]);
      double f = 0;
      Arrays.fill(g, 0);
      for (int i = 0; i < y.length; i++) {
        if (w[i] == 0) {
          continue;
        }
        double a = Math.exp(t[0] - aN * xN[i]);
        double b = Math.exp(t[2] - aS * xS[i]);
        double p = a + b;
        double r = Math.log(p) - y[i];
        f += 0.5 * w[i] * r * r;
        double ca = w[i] * r * a / p;
        double cb = w[i] * r * b / p;
        g[0] += ca;
        g[1] -= ca * xN[i] * aN;
        g[2] += cb;
        g[3] -= cb * xS[i] * aS;
      }
      if (!Double.isFinite(f)) {
        Arrays.fill(g, 0);
        return Double.POSITIVE_INFINITY;
      }
      return f;
    }
  }
}
