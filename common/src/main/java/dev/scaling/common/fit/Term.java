package dev.scaling.common.fit;

import dev.scaling.common.spec.InvariantViolation;

/**
 * One term u(theta, x) of a law written as log L = LSE_k(u_k), where x is log N, log D or nothing.
 * The fused {@link Objective} evaluates a term once per distinct value of its variable (tables are
 * grids), so a term works on arrays: one call per term per evaluation, not one per row.
 */
public interface Term {
  /** What a term depends on besides the parameters. */
  enum Variable {
    /** A constant term such as log E. */
    NONE,
    /** A term of log N. */
    N,
    /** A term of log D. */
    D
  }

  /**
   * The parameter (by its published name) that sends this term to zero: when the term is a
   * negligible share of every prediction, the fit reports that parameter at its bound (0).
   */
  String scale();

  /** The variable the term depends on. */
  Variable variable();

  /**
   * Writes u(theta, x[j]) into {@code out[off + j]} for j below {@code n} and returns the largest
   * (negative infinity when n is 0, NaN when a value is NaN).
   */
  double values(double[] theta, double[] x, int n, double[] out, int off);

  /**
   * Adds {@code sum_j a[aOff + j] * b[bOff + j] * du/dtheta(theta, x[j])} into {@code grad}: a is
   * the term's exponentials and b the gradient weights of its distinct values.
   */
  void addGradient(
      double[] theta, double[] x, int n, double[] a, int aOff, double[] b, int bOff, double[] grad);

  /** The constant term u = theta[index] (a log offset such as log E). */
  static Term constant(String scale, int index) {
    return new Constant(scale, index);
  }

  /** The power term u = theta[logScale] - theta[exponent] * x, i.e. A / X^alpha in log space. */
  static Term power(String scale, Variable variable, int logScale, int exponent) {
    if (variable == Variable.NONE) {
      throw new InvariantViolation("a power term needs the variable N or D, found " + variable);
    }
    return new Power(scale, variable, logScale, exponent);
  }

  /** See {@link #constant}. */
  record Constant(String scale, int index) implements Term {
    @Override
    public Variable variable() {
      return Variable.NONE;
    }

    @Override
    public double values(double[] theta, double[] x, int n, double[] out, int off) {
      for (int j = 0; j < n; j++) {
        out[off + j] = theta[index];
      }
      return n == 0 ? Double.NEGATIVE_INFINITY : theta[index];
    }

    @Override
    public void addGradient(
        double[] theta,
        double[] x,
        int n,
        double[] a,
        int aOff,
        double[] b,
        int bOff,
        double[] grad) {
      double s = 0;
      for (int j = 0; j < n; j++) {
        s += a[aOff + j] * b[bOff + j];
      }
      grad[index] += s;
    }
  }

  /** See {@link #power}. */
  record Power(String scale, Variable variable, int logScale, int exponent) implements Term {
    @Override
    public double values(double[] theta, double[] x, int n, double[] out, int off) {
      double a = theta[logScale];
      double alpha = theta[exponent];
      double m = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        double u = a - alpha * x[j];
        out[off + j] = u;
        m = Math.max(m, u);
      }
      return m;
    }

    @Override
    public void addGradient(
        double[] theta,
        double[] x,
        int n,
        double[] a,
        int aOff,
        double[] b,
        int bOff,
        double[] grad) {
      double ga = 0;
      double galpha = 0;
      for (int j = 0; j < n; j++) {
        double c = a[aOff + j] * b[bOff + j];
        ga += c;
        galpha -= c * x[j];
      }
      grad[logScale] += ga;
      grad[exponent] += galpha;
    }
  }
}
