package dev.scaling.common.fit;

import java.util.ArrayList;
import java.util.List;

/**
 * Dense BFGS with a strong-Wolfe line search (Nocedal and Wright, Numerical Optimization, 2nd ed.,
 * algorithms 3.5, 3.6 and 6.1).
 *
 * <p>Written here rather than taken from a library: the problems have 3 to 5 parameters and are
 * solved thousands of times per fit, so what matters is no allocation or boxing per iteration,
 * analytic gradients and tolerances tight enough to reach the optimum. commons-math3 and Hipparchus
 * offer no BFGS/L-BFGS (only nonlinear conjugate gradient, BOBYQA and simplex methods);
 * smile-core's BFGS pulls in a large dependency tree for one routine; none of them beats ~150 lines
 * of a textbook algorithm.
 */
public final class Bfgs {
  private static final double C1 = 1e-4;
  private static final double C2 = 0.9;
  private static final int MAX_LINE_SEARCH = 60;

  /**
   * A smooth function with its analytic gradient: the scaling fitter's {@link Objective}, the curve
   * fitter's objective, or a test's.
   */
  public interface Function {
    /** Dimension of x. */
    int dim();

    /** Working space for one thread's evaluations. */
    double[] scratch();

    /**
     * f(x); writes the gradient into {@code grad}; a non-finite value marks x as outside the
     * domain.
     */
    double valueAndGradient(double[] x, double[] grad, double[] scratch);
  }

  /**
   * Where a run stopped.
   *
   * @param x the last iterate
   * @param f the function there ({@code +infinity} when the start was outside the domain)
   * @param iterations BFGS iterations taken
   * @param converged whether the tolerance was met (not the iteration limit or a failed search)
   */
  public record Result(double[] x, double f, int iterations, boolean converged) {}

  /**
   * Stopping rule: the gradient's inf-norm at most {@code gradient * max(1, |f|)}, or a relative
   * change of f at most {@code relativeChange} three iterations running, or {@code maxIterations}.
   *
   * @param gradient gradient tolerance, relative to max(1, |f|)
   * @param relativeChange relative change of f that counts as no progress
   * @param maxIterations iteration limit
   */
  public record Tolerance(double gradient, double relativeChange, int maxIterations) {}

  /**
   * The multi-start's pass from every grid point: about scipy's L-BFGS-B defaults (projected
   * gradient 1e-5; its ftol, 2.2e-9 of max(|f|, 1), is a relative change of 1e-6 at f ~ 2e-3, once,
   * where this asks for three in a row). The best distinct end points are polished with {@link
   * #TIGHT}, so the result does not depend on where a loose run stops.
   */
  public static final Tolerance LOOSE = new Tolerance(1e-5, 1e-6, 120);

  /** The polish of the best end points: as tight as double precision allows. */
  public static final Tolerance TIGHT = new Tolerance(1e-10, 1e-15, 5000);

  /**
   * The first {@code limit} end points of a multi-start, best first, that differ from every one
   * kept before by at least 1e-3 in some coordinate: {@code sorted} is ordered best first, {@code
   * point} gives each one's parameter vector. Polishing these, not every end point, is what both
   * fitters do.
   */
  public static <T> List<T> distinctEnds(
      List<T> sorted, java.util.function.Function<T, double[]> point, int limit) {
    List<T> out = new ArrayList<>();
    for (T s : sorted) {
      double[] x = point.apply(s);
      boolean seen = out.stream().anyMatch(o -> maxDiff(point.apply(o), x) < 1e-3);
      if (!seen) {
        out.add(s);
        if (out.size() == limit) {
          break;
        }
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

  private final Function fn;
  private final int n;
  private final double[] xt;
  private final double[] gt;
  private final double[] scratch;

  /** An optimiser of {@code fn}, with its own working space (one per thread). */
  public Bfgs(Function fn) {
    this.fn = fn;
    this.n = fn.dim();
    this.xt = new double[n];
    this.gt = new double[n];
    this.scratch = fn.scratch();
  }

  /**
   * Minimises from {@code start} until {@code tol} is met; never throws on a non-finite value
   * (those mark points outside the domain, which the line search steps back from).
   */
  public Result minimise(double[] start, Tolerance tol) {
    double[] x = start.clone();
    double[] g = new double[n];
    double f = fn.valueAndGradient(x, g, scratch);
    if (!Double.isFinite(f)) {
      return new Result(x, Double.POSITIVE_INFINITY, 0, false);
    }
    double[] h = identity();
    double[] p = new double[n];
    double[] xNew = new double[n];
    double[] gNew = new double[n];
    double[] s = new double[n];
    double[] y = new double[n];
    double[] hy = new double[n];
    boolean scaled = false;
    boolean justReset = false;
    int small = 0;
    int it = 0;
    for (; it < tol.maxIterations(); it++) {
      if (normInf(g) <= tol.gradient() * Math.max(1.0, Math.abs(f))) {
        return new Result(x, f, it, true);
      }
      for (int i = 0; i < n; i++) {
        double v = 0;
        for (int j = 0; j < n; j++) {
          v -= h[i * n + j] * g[j];
        }
        p[i] = v;
      }
      double gp = dot(g, p);
      if (!(gp < 0)) {
        h = identity();
        scaled = false;
        for (int i = 0; i < n; i++) {
          p[i] = -g[i];
        }
        gp = dot(g, p);
      }
      double step0 = scaled ? 1.0 : Math.min(1.0, 1.0 / normInf(g));
      double fNew = lineSearch(x, f, g, p, gp, step0, xNew, gNew);
      if (Double.isNaN(fNew)) {
        if (justReset || !scaled) {
          return new Result(x, f, it, normInf(g) <= Math.sqrt(tol.gradient()));
        }
        h = identity();
        scaled = false;
        justReset = true;
        continue;
      }
      justReset = false;
      for (int i = 0; i < n; i++) {
        s[i] = xNew[i] - x[i];
        y[i] = gNew[i] - g[i];
      }
      double change = Math.abs(f - fNew);
      double scale = Math.max(Math.abs(f), Math.abs(fNew));
      small = change <= tol.relativeChange() * scale ? small + 1 : 0;
      System.arraycopy(xNew, 0, x, 0, n);
      System.arraycopy(gNew, 0, g, 0, n);
      f = fNew;
      if (small >= 3) {
        return new Result(x, f, it + 1, true);
      }
      double sy = dot(s, y);
      if (sy > 1e-300) {
        if (!scaled) {
          double yy = dot(y, y);
          double d = sy / yy;
          for (int i = 0; i < n * n; i++) {
            h[i] = (i % (n + 1) == 0) ? d : 0;
          }
          scaled = true;
        }
        double rho = 1.0 / sy;
        for (int i = 0; i < n; i++) {
          double v = 0;
          for (int j = 0; j < n; j++) {
            v += h[i * n + j] * y[j];
          }
          hy[i] = v;
        }
        double yhy = dot(y, hy);
        double k = (1.0 + rho * yhy) * rho;
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            h[i * n + j] += k * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j]);
          }
        }
      }
    }
    return new Result(x, f, it, false);
  }

  /**
   * Strong-Wolfe line search along {@code p}; on success writes the new point and gradient and
   * returns the new objective, else NaN.
   */
  private double lineSearch(
      double[] x,
      double f0,
      double[] g0,
      double[] p,
      double d0,
      double step0,
      double[] xOut,
      double[] gOut) {
    double aPrev = 0;
    double fPrev = f0;
    double dPrev = d0;
    double a = step0;
    double[] gPrev = g0.clone();
    for (int i = 0; i < MAX_LINE_SEARCH; i++) {
      double fa = eval(x, p, a);
      double da = dot(gt, p);
      if (!Double.isFinite(fa)) {
        a = aPrev + 0.25 * (a - aPrev);
        continue;
      }
      if (fa > f0 + C1 * a * d0 || (i > 0 && fa >= fPrev)) {
        return zoom(x, f0, d0, p, aPrev, fPrev, dPrev, gPrev, a, fa, da, xOut, gOut);
      }
      if (Math.abs(da) <= -C2 * d0) {
        accept(x, p, a, xOut, gOut);
        return fa;
      }
      if (da >= 0) {
        double[] gA = gt.clone();
        return zoom(x, f0, d0, p, a, fa, da, gA, aPrev, fPrev, dPrev, xOut, gOut);
      }
      aPrev = a;
      fPrev = fa;
      dPrev = da;
      gPrev = gt.clone();
      a *= 4;
    }
    return fallbackStep(x, f0, p, aPrev, fPrev, gPrev, xOut, gOut);
  }

  private double zoom(
      double[] x,
      double f0,
      double d0,
      double[] p,
      double lo,
      double fLo,
      double dLo,
      double[] gLo,
      double hi,
      double fHi,
      double dHi,
      double[] xOut,
      double[] gOut) {
    gLo = gLo.clone();
    for (int j = 0; j < MAX_LINE_SEARCH; j++) {
      double a = interpolate(lo, fLo, dLo, hi, fHi, dHi);
      double fa = eval(x, p, a);
      double da = dot(gt, p);
      if (!Double.isFinite(fa) || fa > f0 + C1 * a * d0 || fa >= fLo) {
        hi = a;
        fHi = Double.isFinite(fa) ? fa : Double.MAX_VALUE;
        dHi = Double.isFinite(da) ? da : 0;
      } else {
        if (Math.abs(da) <= -C2 * d0) {
          accept(x, p, a, xOut, gOut);
          return fa;
        }
        if (da * (hi - lo) >= 0) {
          hi = lo;
          fHi = fLo;
          dHi = dLo;
        }
        lo = a;
        fLo = fa;
        dLo = da;
        System.arraycopy(gt, 0, gLo, 0, n);
      }
      if (Math.abs(hi - lo) <= 1e-16 * Math.max(Math.abs(lo), Math.abs(hi))) {
        break;
      }
    }
    return fallbackStep(x, f0, p, lo, fLo, gLo, xOut, gOut);
  }

  /** Accepts a step that only decreased f (no curvature condition) rather than giving up. */
  private double fallbackStep(
      double[] x,
      double f0,
      double[] p,
      double a,
      double fa,
      double[] ga,
      double[] xOut,
      double[] gOut) {
    if (a > 0 && fa < f0) {
      for (int i = 0; i < n; i++) {
        xOut[i] = x[i] + a * p[i];
      }
      System.arraycopy(ga, 0, gOut, 0, n);
      return fa;
    }
    return Double.NaN;
  }

  private static double interpolate(
      double a1, double f1, double d1, double a2, double f2, double d2) {
    double lo = Math.min(a1, a2);
    double hi = Math.max(a1, a2);
    double width = hi - lo;
    double mid = lo + 0.5 * width;
    if (f2 == Double.MAX_VALUE) {
      return a1 + 0.25 * (a2 - a1);
    }
    double t1 = d1 + d2 - 3 * (f1 - f2) / (a1 - a2);
    double disc = t1 * t1 - d1 * d2;
    if (!(disc >= 0)) {
      return mid;
    }
    double t2 = Math.copySign(Math.sqrt(disc), a2 - a1);
    double a = a2 - (a2 - a1) * (d2 + t2 - t1) / (d2 - d1 + 2 * t2);
    if (!Double.isFinite(a)) {
      return mid;
    }
    // Safeguard by clamping rather than bisecting: where the minimiser lies near an end of the
    // bracket
    // (a Huber kink, a badly scaled first step), bisection needs ~3x the evaluations to get there.
    return Math.max(lo + 0.1 * width, Math.min(hi - 0.1 * width, a));
  }

  private double eval(double[] x, double[] p, double a) {
    for (int i = 0; i < n; i++) {
      xt[i] = x[i] + a * p[i];
    }
    return fn.valueAndGradient(xt, gt, scratch);
  }

  private void accept(double[] x, double[] p, double a, double[] xOut, double[] gOut) {
    for (int i = 0; i < n; i++) {
      xOut[i] = x[i] + a * p[i];
    }
    System.arraycopy(gt, 0, gOut, 0, n);
  }

  private double[] identity() {
    double[] h = new double[n * n];
    for (int i = 0; i < n; i++) {
      h[i * n + i] = 1;
    }
    return h;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double normInf(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }
}
