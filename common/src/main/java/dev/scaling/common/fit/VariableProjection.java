package dev.scaling.common.fit;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * A cross-check of the parametric (Chinchilla) fit by variable projection: for each (alpha, beta)
 * on a grid the law is linear in (E, A, B), which are found by non-negative least squares on
 * relative residuals with Huber weights by iterative reweighting; the cell with the lowest true
 * objective is then polished by BFGS. Better conditioned than a 5-D search from a start grid, it
 * tells when BFGS stopped in another basin.
 */
public final class VariableProjection {
  /** Grid of each exponent: 0.02 to 1.2 in this many steps. */
  static final int STEPS = 60;

  static final double LO = 0.02;
  static final double HI = 1.2;

  /** Relative objective gap above which the two fits disagree. */
  static final double OBJECTIVE_GAP = 1e-4;

  /** Objectives below this are equal for the comparison: both fits are exact. */
  static final double FLOOR = 1e-12;

  /** Difference of a above which the two fits disagree. */
  static final double A_GAP = 0.01;

  private VariableProjection() {}

  /**
   * What the cross-check found.
   *
   * @param params the polished variable-projection fit
   * @param objective its objective
   * @param bfgsObjective the multi-start BFGS fit's objective
   * @param a a = beta/(alpha+beta) of the variable-projection fit
   * @param bfgsA a of the BFGS fit
   * @param agrees objectives within 1e-4 relative and a within 0.01
   * @param message one sentence with the numbers
   */
  public record Check(
      ChinchillaParams params,
      double objective,
      double bfgsObjective,
      double a,
      double bfgsA,
      boolean agrees,
      String message) {}

  /** Cross-checks {@code bfgs}, a Chinchilla fit of {@code points}; null for another form. */
  public static Check check(List<ScalingPoint> points, FitResult bfgs) {
    if (!(bfgs.params() instanceof ChinchillaParams b)) {
      return null;
    }
    // Rows grouped into (N, D) cells: the objective sums each cell exactly; the grid search's
    // least squares (only a start for the polish) uses each cell's geometric-mean loss with its
    // row count as weight, the same as before for a table whose rows are all distinct cells.
    Cells cells =
        Cells.group(
            points.stream().mapToDouble(p -> Math.log(p.n())).toArray(),
            points.stream().mapToDouble(p -> Math.log(p.d())).toArray(),
            points.stream().mapToDouble(p -> Math.log(p.loss())).toArray());
    int n = cells.size();
    double[] ln = cells.logN;
    double[] ld = cells.logD;
    double[] loss = new double[n];
    double[] count = new double[n];
    for (int c = 0; c < n; c++) {
      loss[c] = Math.exp(cells.meanLog(c));
      count[c] = cells.count[c];
    }
    double delta = bfgs.delta();
    double[] w = new double[n];
    Arrays.fill(w, 1);
    Objective obj = new Objective(LawForm.CHINCHILLA.law(), cells, w, delta);
    double[] best =
        IntStream.range(0, STEPS * STEPS)
            .parallel()
            .mapToObj(
                cell -> {
                  double alpha = LO + (HI - LO) * (cell / STEPS) / (STEPS - 1);
                  double beta = LO + (HI - LO) * (cell % STEPS) / (STEPS - 1);
                  double[] eab = project(ln, ld, loss, count, alpha, beta, delta);
                  double[] theta = {
                    ChinchillaParams.safeLog(eab[1]),
                    ChinchillaParams.safeLog(eab[2]),
                    ChinchillaParams.safeLog(eab[0]),
                    alpha,
                    beta
                  };
                  double f = obj.value(theta);
                  double[] out = Arrays.copyOf(theta, 6);
                  out[5] = Double.isFinite(f) ? f : Double.POSITIVE_INFINITY;
                  return out;
                })
            .min((x, y) -> Double.compare(x[5], y[5]))
            .orElseThrow();
    Bfgs.Result r = new Bfgs(obj).minimise(Arrays.copyOf(best, 5), Bfgs.TIGHT);
    double[] theta = r.f() <= best[5] ? r.x() : Arrays.copyOf(best, 5);
    double f = Math.min(r.f(), best[5]);
    ChinchillaParams vp;
    try {
      vp = ChinchillaParams.fromTheta(theta);
    } catch (IllegalArgumentException e) {
      vp = ChinchillaParams.fromTheta(Arrays.copyOf(best, 5));
      f = best[5];
    }
    double a = vp.beta() / (vp.alpha() + vp.beta());
    double bfgsA = b.beta() / (b.alpha() + b.beta());
    // Objectives at the rounding floor (a noise-free table, about 1e-18) count as equal.
    double gap = (bfgs.objective() - f) / Math.max(Math.max(f, bfgs.objective()), FLOOR);
    boolean agrees = Math.abs(gap) <= OBJECTIVE_GAP && Math.abs(a - bfgsA) <= A_GAP;
    String msg =
        String.format(
            Locale.ROOT,
            "variable projection reached objective %.6e (alpha=%.4f, beta=%.4f, a=%.4f), BFGS %.6e"
                + " (alpha=%.4f, beta=%.4f, a=%.4f): %s",
            f,
            vp.alpha(),
            vp.beta(),
            a,
            bfgs.objective(),
            b.alpha(),
            b.beta(),
            bfgsA,
            agrees
                ? "they agree"
                : gap > OBJECTIVE_GAP
                    ? "they disagree, and variable projection found the lower objective: BFGS"
                        + " stopped in another basin"
                    : "they disagree: the objective is flat here, so a is poorly determined");
    return new Check(vp, f, bfgs.objective(), a, bfgsA, agrees, msg);
  }

  /**
   * E, A, B >= 0 minimising sum of Huber(relative residual) at fixed exponents: weighted
   * non-negative least squares, reweighted 6 times for the Huber loss.
   */
  static double[] project(
      double[] ln, double[] ld, double[] loss, double alpha, double beta, double delta) {
    double[] ones = new double[loss.length];
    Arrays.fill(ones, 1);
    return project(ln, ld, loss, ones, alpha, beta, delta);
  }

  /** As above, row i counting {@code count[i]} times. */
  static double[] project(
      double[] ln,
      double[] ld,
      double[] loss,
      double[] count,
      double alpha,
      double beta,
      double delta) {
    int n = loss.length;
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      x[i] = new double[] {1, Math.exp(-alpha * ln[i]), Math.exp(-beta * ld[i])};
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = count[i] / (loss[i] * loss[i]);
    }
    double[] c = nnls(x, loss, v);
    for (int it = 0; it < 6; it++) {
      for (int i = 0; i < n; i++) {
        double pred = c[0] * x[i][0] + c[1] * x[i][1] + c[2] * x[i][2];
        double r = Math.abs(pred - loss[i]) / loss[i];
        v[i] = count[i] * (r <= delta ? 1 : delta / r) / (loss[i] * loss[i]);
      }
      c = nnls(x, loss, v);
    }
    return c;
  }

  /**
   * Weighted least squares of y on the 3 columns of x with non-negative coefficients, by trying
   * every active set (8 for 3 variables) and keeping the best feasible one.
   */
  static double[] nnls(double[][] x, double[] y, double[] v) {
    double[] best = new double[3];
    double bestSse = sse(x, y, v, best);
    for (int m = 1; m < 8; m++) {
      final int mask = m;
      int[] cols = IntStream.range(0, 3).filter(j -> (mask >> j & 1) == 1).toArray();
      int k = cols.length;
      double[][] a = new double[3][4];
      for (int i = 0; i < y.length; i++) {
        for (int r = 0; r < k; r++) {
          for (int q = 0; q < k; q++) {
            a[r][q] += v[i] * x[i][cols[r]] * x[i][cols[q]];
          }
          a[r][3] += v[i] * x[i][cols[r]] * y[i];
        }
      }
      for (int r = k; r < 3; r++) {
        a[r][r] = 1; // unused rows: identity
      }
      double[] sol = Regression.solve3(a);
      if (sol == null) {
        continue;
      }
      double[] coef = new double[3];
      boolean feasible = true;
      for (int r = 0; r < k; r++) {
        coef[cols[r]] = sol[r];
        feasible &= sol[r] >= 0;
      }
      if (feasible) {
        double s = sse(x, y, v, coef);
        if (s < bestSse) {
          bestSse = s;
          best = coef;
        }
      }
    }
    return best;
  }

  private static double sse(double[][] x, double[] y, double[] v, double[] c) {
    double s = 0;
    for (int i = 0; i < y.length; i++) {
      double r = c[0] * x[i][0] + c[1] * x[i][1] + c[2] * x[i][2] - y[i];
      s += v[i] * r * r;
    }
    return s;
  }
}
