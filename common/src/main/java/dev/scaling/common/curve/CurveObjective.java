package dev.scaling.common.curve;

import dev.scaling.common.fit.Bfgs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * The curve fitter's objective: the weighted sum over training runs and their logged rows of
 * Huber_delta(log predicted - log loss), with its analytic gradient, in the search coordinates
 * theta (theta_j = log p_j for the law's positive parameters, p_j otherwise).
 *
 * <p>{@link #valueAndGradient} returns the sum divided by delta^2 times the weighted row count, so
 * that a residual of delta counts about 1/2 and the optimiser's tolerances mean the same for any
 * number of rows; {@link #huberSum} is the sum itself. Curves are evaluated in parallel on the
 * given pool, each into its own slots of the scratch, and summed in curve order, so the result does
 * not depend on the number of threads.
 */
final class CurveObjective implements Bfgs.Function {
  private final CurveLaw law;
  private final List<CurveLaw.Prepared> curves;
  private final double[] weight;
  private final double delta;
  private final int dim;
  private final boolean[] positive;
  private final ForkJoinPool pool;

  /** Per curve: its logged, defined rows, their log losses, and its slots in the scratch. */
  private final int[][] rows;

  private final double[][] logLoss;
  private final int[] offset;
  private final int scratchSize;
  private final double norm;
  private final int points;

  CurveObjective(
      CurveLaw law,
      List<CurveLaw.Prepared> curves,
      double[] weight,
      double delta,
      ForkJoinPool pool) {
    this.law = law;
    this.curves = List.copyOf(curves);
    this.weight = weight.clone();
    this.delta = delta;
    this.dim = law.dim();
    this.positive = law.positive();
    this.pool = pool;
    int n = curves.size();
    rows = new int[n][];
    logLoss = new double[n][];
    offset = new int[n];
    int size = 0;
    int counted = 0;
    double weighted = 0;
    for (int c = 0; c < n; c++) {
      CurveLaw.Prepared p = curves.get(c);
      double[] loss = p.curve().loss();
      List<Integer> keep = new ArrayList<>();
      for (int r = 0; r < loss.length; r++) {
        if (!Double.isNaN(loss[r]) && p.defined(r)) {
          keep.add(r);
        }
      }
      rows[c] = keep.stream().mapToInt(Integer::intValue).toArray();
      logLoss[c] = keep.stream().mapToDouble(r -> Math.log(loss[r])).toArray();
      // the curve's value and gradient
      offset[c] = size;
      size += 1 + dim;
      counted += weight[c] > 0 ? rows[c].length : 0;
      weighted += weight[c] * rows[c].length;
    }
    this.scratchSize = size;
    this.points = counted;
    this.norm = weighted > 0 ? 1.0 / (delta * delta * weighted) : 1.0;
  }

  /** The number of logged, defined rows of the runs with a positive weight. */
  int points() {
    return points;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public double[] scratch() {
    return new double[scratchSize];
  }

  /** Natural parameters from search coordinates. */
  double[] toParams(double[] theta) {
    double[] p = theta.clone();
    for (int j = 0; j < dim; j++) {
      if (positive[j]) {
        p[j] = Math.exp(theta[j]);
      }
    }
    return p;
  }

  /** Search coordinates from natural parameters (positive ones must be positive). */
  double[] toTheta(double[] p) {
    double[] t = p.clone();
    for (int j = 0; j < dim; j++) {
      if (positive[j]) {
        t[j] = Math.log(p[j]);
      }
    }
    return t;
  }

  /** The weighted Huber sum itself (not normalised) at natural parameters {@code p}. */
  double huberSum(double[] p) {
    double[] grad = new double[dim];
    return valueAndGradient(toTheta(p), grad, scratch()) / norm;
  }

  @Override
  public double valueAndGradient(double[] theta, double[] grad, double[] scratch) {
    double[] p = toParams(theta);
    for (double v : p) {
      if (!Double.isFinite(v)) {
        return Double.POSITIVE_INFINITY;
      }
    }
    int n = curves.size();
    if (pool == null || n == 1) {
      for (int c = 0; c < n; c++) {
        curve(c, p, scratch);
      }
    } else {
      List<RecursiveAction> tasks = new ArrayList<>(n);
      for (int c = 0; c < n; c++) {
        if (weight[c] == 0) {
          continue;
        }
        final int cc = c;
        tasks.add(
            new RecursiveAction() {
              @Override
              protected void compute() {
                curve(cc, p, scratch);
              }
            });
      }
      if (ForkJoinTask.inForkJoinPool()) {
        ForkJoinTask.invokeAll(tasks);
      } else {
        pool.invoke(
            new RecursiveAction() {
              @Override
              protected void compute() {
                ForkJoinTask.invokeAll(tasks);
              }
            });
      }
    }
    double f = 0;
    java.util.Arrays.fill(grad, 0);
    for (int c = 0; c < n; c++) {
      if (weight[c] == 0) {
        continue;
      }
      int o = offset[c];
      double fc = scratch[o];
      if (!Double.isFinite(fc)) {
        return Double.POSITIVE_INFINITY;
      }
      f += weight[c] * fc;
      for (int j = 0; j < dim; j++) {
        grad[j] += weight[c] * scratch[o + 1 + j];
      }
    }
    for (int j = 0; j < dim; j++) {
      grad[j] *= norm * (positive[j] ? p[j] : 1);
    }
    return f * norm;
  }

  /**
   * One curve's Huber sum and its gradient in natural parameters, written to its slots of the
   * scratch; the law's output and Jacobian go to this thread's reused arrays ({@link Scratch}).
   */
  private void curve(int c, double[] p, double[] scratch) {
    if (weight[c] == 0) {
      return;
    }
    CurveLaw.Prepared prepared = curves.get(c);
    int n = prepared.curve().loss().length;
    int res = offset[c];
    double[] out = Scratch.get(Scratch.OUTPUT, n);
    double[] jac = Scratch.get(Scratch.JACOBIAN, n * dim);
    law.predict(p, prepared, out, jac);
    double f = 0;
    double[] g = new double[dim];
    int[] use = rows[c];
    double[] ll = logLoss[c];
    for (int i = 0; i < use.length; i++) {
      int r = use[i];
      double pred = out[r];
      if (!(pred > 0) || !Double.isFinite(pred)) {
        scratch[res] = Double.POSITIVE_INFINITY;
        return;
      }
      double e = Math.log(pred) - ll[i];
      double slope;
      if (Math.abs(e) <= delta) {
        f += 0.5 * e * e;
        slope = e;
      } else {
        f += delta * (Math.abs(e) - 0.5 * delta);
        slope = Math.copySign(delta, e);
      }
      double w = slope / pred;
      int o = r * dim;
      for (int j = 0; j < dim; j++) {
        g[j] += w * jac[o + j];
      }
    }
    scratch[res] = f;
    System.arraycopy(g, 0, scratch, res + 1, dim);
  }
}
