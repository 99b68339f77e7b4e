package dev.scaling.common.curve;

import dev.scaling.common.fit.Bfgs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ForkJoinTask;

/**
 * The Multi-Power Law's starting points, as the paper's code (src/fitting.py) finds them: a
 * 4-parameter form L0 + A·S1^(-alpha) - B·(eta_max - eta_t), fitted by the same Huber loss on log
 * residuals from a 5 x 3 x 3 x 3 grid, its best fits then extended by starts for C, beta and gamma.
 *
 * <p>The grid runs on at most {@link #GRID_ROWS} logged rows, taken evenly from each run (the form
 * is a rough start; on 44 runs of 1000 rows the whole grid would cost more than the fit), and with
 * the loose tolerance.
 */
final class MplStarts {
  /** The most rows the 4-parameter grid is fitted on. */
  static final int GRID_ROWS = 1500;

  /** How many of the best distinct 4-parameter fits are extended to 7 parameters. */
  static final int EXTENDED = 2;

  /** Starts for (C, beta, gamma): the paper's (1, 0.5, 0.5) first. */
  static final double[][] DROP_STARTS = {{1.0, 0.5, 0.5}, {4.0, 0.5, 0.5}};

  private MplStarts() {}

  static List<double[]> starts(List<DropSums> train) {
    Rows rows = Rows.of(train, GRID_ROWS);
    if (rows.n == 0) {
      throw new IllegalArgumentException("no logged rows with a positive S1 to start from");
    }
    double minLoss = Double.POSITIVE_INFINITY;
    for (double l : rows.loss) {
      minLoss = Math.min(minLoss, l);
    }
    // log(loss - min + 0.01) against log S1, least squares
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < rows.n; i++) {
      double x = rows.logS1[i];
      double y = Math.log(rows.loss[i] - minLoss + 0.01);
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    double den = rows.n * sxx - sx * sx;
    double slope = den > 0 ? (rows.n * sxy - sx * sy) / den : -0.5;
    double intercept = (sy - slope * sx) / rows.n;
    double a0 = Math.exp(intercept);
    double scale = 3e-4 / rows.peak;
    List<double[]> grid = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      double l0 = Math.max(minLoss - 0.2 + 0.1 * i, 0.05 * minLoss);
      for (int j = -1; j <= 1; j++) {
        double a = Math.max(a0 + 0.1 * j, 0.1 * a0);
        for (int k = -1; k <= 1; k++) {
          double alpha = Math.max(-slope + 0.1 * k, 0.02);
          for (double b : new double[] {100, 550, 1000}) {
            grid.add(new double[] {l0, a, alpha, b * scale});
          }
        }
      }
    }
    Form4 f = new Form4(rows);
    // the grid's runs are independent: in parallel when called on the fitter's pool (one thread
    // otherwise), collected in grid order so that the result does not depend on the threads
    List<Bfgs.Result> results =
        (ForkJoinTask.inForkJoinPool() ? grid.parallelStream() : grid.stream())
            .map(
                g -> {
                  double[] theta = new double[4];
                  for (int j = 0; j < 4; j++) {
                    theta[j] = Math.log(g[j]);
                  }
                  return new Bfgs(f).minimise(theta, Bfgs.LOOSE);
                })
            .toList();
    List<double[]> ends = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (Bfgs.Result r : results) {
      if (Double.isFinite(r.f())) {
        ends.add(r.x());
        values.add(r.f());
      }
    }
    Integer[] order = new Integer[ends.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(values::get));
    List<double[]> best = new ArrayList<>();
    for (Integer i : order) {
      double[] x = ends.get(i);
      boolean seen = best.stream().anyMatch(b -> maxDiff(b, x) < 1e-2);
      if (!seen) {
        best.add(x);
        if (best.size() == EXTENDED) {
          break;
        }
      }
    }
    if (best.isEmpty()) {
      // no grid point reached a finite objective: the paper's values at the grid's centre
      best.add(Arrays.stream(grid.get(grid.size() / 2)).map(Math::log).toArray());
    }
    List<double[]> out = new ArrayList<>();
    for (double[] drop : DROP_STARTS) {
      for (double[] b : best) {
        out.add(
            new double[] {
              Math.exp(b[0]),
              Math.exp(b[1]),
              Math.exp(b[2]),
              Math.exp(b[3]),
              drop[0],
              drop[1],
              drop[2]
            });
      }
    }
    return out;
  }

  private static double maxDiff(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  /** The logged rows the grid is fitted on: log S1, eta_max - eta and the loss. */
  private record Rows(int n, double[] logS1, double[] gap, double[] loss, double peak) {
    static Rows of(List<DropSums> train, int limit) {
      double peak = 0;
      int total = 0;
      for (DropSums d : train) {
        peak = Math.max(peak, d.peak());
        total += usable(d);
      }
      int stride = Math.max(1, (total + limit - 1) / limit);
      List<double[]> kept = new ArrayList<>();
      for (DropSums d : train) {
        double[] loss = d.curve().loss();
        double[] s1 = d.s1();
        int seen = 0;
        for (int r = 0; r < loss.length; r++) {
          if (Double.isNaN(loss[r]) || !(s1[r] > 0)) {
            continue;
          }
          if (seen++ % stride == 0) {
            kept.add(new double[] {Math.log(s1[r]), d.etaAtRow(r), loss[r]});
          }
        }
      }
      int n = kept.size();
      double[] logS1 = new double[n];
      double[] gap = new double[n];
      double[] loss = new double[n];
      for (int i = 0; i < n; i++) {
        logS1[i] = kept.get(i)[0];
        gap[i] = peak - kept.get(i)[1];
        loss[i] = kept.get(i)[2];
      }
      return new Rows(n, logS1, gap, loss, peak > 0 ? peak : 1);
    }

    private static int usable(DropSums d) {
      double[] loss = d.curve().loss();
      double[] s1 = d.s1();
      int n = 0;
      for (int r = 0; r < loss.length; r++) {
        if (!Double.isNaN(loss[r]) && s1[r] > 0) {
          n++;
        }
      }
      return n;
    }
  }

  /**
   * The 4-parameter form's Huber objective (delta 1e-3) on log residuals, in the logs of (L0, A,
   * alpha, B), divided by the row count.
   */
  private static final class Form4 implements Bfgs.Function {
    private static final double DELTA = 1e-3;
    private final Rows rows;

    Form4(Rows rows) {
      this.rows = rows;
    }

    @Override
    public int dim() {
      return 4;
    }

    @Override
    public double[] scratch() {
      return new double[0];
    }

    @Override
    public double valueAndGradient(double[] x, double[] grad, double[] scratch) {
      double l0 = Math.exp(x[0]);
      double a = Math.exp(x[1]);
      double alpha = Math.exp(x[2]);
      double b = Math.exp(x[3]);
      double f = 0;
      double g0 = 0;
      double g1 = 0;
      double g2 = 0;
      double g3 = 0;
      for (int i = 0; i < rows.n; i++) {
        double pow = Math.exp(-alpha * rows.logS1[i]);
        double pred = l0 + a * pow - b * rows.gap[i];
        if (!(pred > 0)) {
          return Double.POSITIVE_INFINITY;
        }
        double res = Math.log(pred) - Math.log(rows.loss[i]);
        double slope;
        if (Math.abs(res) <= DELTA) {
          f += 0.5 * res * res;
          slope = res;
        } else {
          f += DELTA * (Math.abs(res) - 0.5 * DELTA);
          slope = Math.copySign(DELTA, res);
        }
        double w = slope / pred;
        g0 += w * l0;
        g1 += w * a * pow;
        g2 -= w * a * pow * rows.logS1[i] * alpha;
        g3 -= w * b * rows.gap[i];
      }
      double norm = 1.0 / (rows.n * DELTA * DELTA);
      grad[0] = g0 * norm;
      grad[1] = g1 * norm;
      grad[2] = g2 * norm;
      grad[3] = g3 * norm;
      return f * norm;
    }
  }
}
