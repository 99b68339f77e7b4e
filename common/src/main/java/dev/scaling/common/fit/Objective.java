package dev.scaling.common.fit;

/**
 * A smooth function to minimise with its analytic gradient: here the weighted sum of Huber losses of
 * log residuals of one law. Row weights are integer multiplicities, so a bootstrap resample or a
 * backtest subset is the same objective with other weights.
 */
abstract class Objective {
  final double[] logN;
  final double[] logD;
  final double[] logL;
  final double[] weight;
  final double delta;

  Objective(double[] logN, double[] logD, double[] logL, double[] weight, double delta) {
    this.logN = logN;
    this.logD = logD;
    this.logL = logL;
    this.weight = weight;
    this.delta = delta;
  }

  /** Dimension of the parameter vector. */
  abstract int dim();

  /**
   * Working space for {@link #valueAndGradient(double[], double[], double[])}: one per thread (an
   * objective is shared by the parallel runs of a multi-start, so it keeps no mutable state).
   */
  double[] scratch() {
    return new double[0];
  }

  /** The objective at {@code x}; writes the gradient into {@code grad}, using {@code scratch}. */
  abstract double valueAndGradient(double[] x, double[] grad, double[] scratch);

  /** The objective at {@code x}; writes the gradient into {@code grad} (allocates its scratch). */
  final double valueAndGradient(double[] x, double[] grad) {
    return valueAndGradient(x, grad, scratch());
  }

  /**
   * Below this a row's sum of exponentials (taken relative to the largest term over all rows) has lost
   * precision to underflow; such a row is evaluated relative to its own largest term instead.
   */
  static final double TINY = 1e-280;

  /**
   * Distinct values of {@code v}, in first-seen order; {@code index[i]} receives the position of
   * {@code v[i]} among them. Scaling tables are grids (every model size trained at several token
   * counts), so a term that depends on N only or on D only is exponentiated once per distinct value
   * rather than once per row.
   */
  static double[] distinct(double[] v, int[] index) {
    java.util.HashMap<Double, Integer> seen = new java.util.HashMap<>();
    double[] out = new double[v.length];
    int k = 0;
    for (int i = 0; i < v.length; i++) {
      Integer at = seen.get(v[i]);
      if (at == null) {
        at = k;
        out[k++] = v[i];
        seen.put(v[i], at);
      }
      index[i] = at;
    }
    return java.util.Arrays.copyOf(out, k);
  }

  /** The law's log prediction for row {@code i} at {@code x}. */
  abstract double logPredict(double[] x, int i);

  /** The objective alone. */
  final double value(double[] x) {
    double s = 0;
    for (int i = 0; i < logL.length; i++) {
      if (weight[i] != 0) {
        s += weight[i] * huber(logPredict(x, i) - logL[i], delta);
      }
    }
    return s;
  }

  static double huber(double r, double delta) {
    double ar = Math.abs(r);
    return ar <= delta ? 0.5 * r * r : delta * (ar - 0.5 * delta);
  }

  /** Huber's derivative: the residual clipped to [-delta, delta]. */
  static double huberSlope(double r, double delta) {
    return r > delta ? delta : (r < -delta ? -delta : r);
  }

  /** The Chinchilla form in log space: x = (log A, log B, log E, alpha, beta). */
  static final class Chinchilla extends Objective {
    private final double[] nu;
    private final double[] du;
    private final int[] nIndex;
    private final int[] dIndex;

    Chinchilla(double[] logN, double[] logD, double[] logL, double[] weight, double delta) {
      super(logN, logD, logL, weight, delta);
      nIndex = new int[logN.length];
      dIndex = new int[logD.length];
      nu = distinct(logN, nIndex);
      du = distinct(logD, dIndex);
    }

    @Override
    int dim() {
      return 5;
    }

    @Override
    double logPredict(double[] x, int i) {
      double u1 = x[0] - x[3] * logN[i];
      double u2 = x[1] - x[4] * logD[i];
      double u3 = x[2];
      double m = Math.max(u1, Math.max(u2, u3));
      return m + Math.log(Math.exp(u1 - m) + Math.exp(u2 - m) + Math.exp(u3 - m));
    }

    @Override
    double[] scratch() {
      return new double[2 * (nu.length + du.length)];
    }

    /**
     * Fused value and gradient in one pass over the rows. With u1 = a - alpha log N (one value per
     * distinct N), u2 = b - beta log D (one per distinct D) and u3 = e, every term is exponentiated once
     * relative to the largest term m over all rows; a row then costs one log and one division:
     * r = m + log(e1 + e2 + e3) - log L, and its gradient weight c = w huber'(r) / (e1 + e2 + e3) is
     * summed per distinct N and per distinct D, so d/da = sum_N e1 C_N, d/dalpha = -sum_N e1 C_N log N,
     * and so on.
     */
    @Override
    double valueAndGradient(double[] x, double[] g, double[] sc) {
      double a = x[0];
      double b = x[1];
      double e = x[2];
      double alpha = x[3];
      double beta = x[4];
      int nn = nu.length;
      int nd = du.length;
      int oD = nn;
      int oCn = nn + nd;
      int oCd = 2 * nn + nd;
      double m = e;
      for (int j = 0; j < nn; j++) {
        double u = a - alpha * nu[j];
        sc[j] = u;
        m = Math.max(m, u);
      }
      for (int k = 0; k < nd; k++) {
        double u = b - beta * du[k];
        sc[oD + k] = u;
        m = Math.max(m, u);
      }
      if (!Double.isFinite(m)) {
        return rowWise(x, g);
      }
      for (int j = 0; j < nn; j++) {
        sc[j] = Math.exp(sc[j] - m);
        sc[oCn + j] = 0;
      }
      for (int k = 0; k < nd; k++) {
        sc[oD + k] = Math.exp(sc[oD + k] - m);
        sc[oCd + k] = 0;
      }
      double e3 = Math.exp(e - m);
      double f = 0;
      double ce = 0;
      double ga = 0;
      double gb = 0;
      double ge = 0;
      double galpha = 0;
      double gbeta = 0;
      double del = delta;
      for (int i = 0; i < nIndex.length; i++) {
        double w = weight[i];
        if (w == 0) {
          continue;
        }
        int j = nIndex[i];
        int k = dIndex[i];
        double s = sc[j] + sc[oD + k] + e3;
        if (!(s >= TINY)) {
          // Every term of this row underflowed against m: redo it relative to its own largest term.
          double u1 = a - alpha * nu[j];
          double u2 = b - beta * du[k];
          double mr = Math.max(u1, Math.max(u2, e));
          double e1 = Math.exp(u1 - mr);
          double e2 = Math.exp(u2 - mr);
          double er = Math.exp(e - mr);
          double sr = e1 + e2 + er;
          double r = mr + Math.log(sr) - logL[i];
          f += w * huber(r, del);
          double c = w * huberSlope(r, del) / sr;
          ga += c * e1;
          gb += c * e2;
          ge += c * er;
          galpha -= c * e1 * nu[j];
          gbeta -= c * e2 * du[k];
          continue;
        }
        double r = m + Math.log(s) - logL[i];
        double ar = Math.abs(r);
        double slope;
        if (ar <= del) {
          f += w * 0.5 * r * r;
          slope = r;
        } else {
          f += w * del * (ar - 0.5 * del);
          slope = r > 0 ? del : -del;
        }
        double c = w * slope / s;
        sc[oCn + j] += c;
        sc[oCd + k] += c;
        ce += c;
      }
      for (int j = 0; j < nn; j++) {
        double p = sc[j] * sc[oCn + j];
        ga += p;
        galpha -= p * nu[j];
      }
      for (int k = 0; k < nd; k++) {
        double p = sc[oD + k] * sc[oCd + k];
        gb += p;
        gbeta -= p * du[k];
      }
      g[0] = ga;
      g[1] = gb;
      g[2] = ge + e3 * ce;
      g[3] = galpha;
      g[4] = gbeta;
      return f;
    }

    /** Row by row, each row relative to its own largest term (for points where m is not finite). */
    private double rowWise(double[] x, double[] g) {
      double a = x[0];
      double b = x[1];
      double e = x[2];
      double alpha = x[3];
      double beta = x[4];
      double f = 0;
      double ga = 0;
      double gb = 0;
      double ge = 0;
      double galpha = 0;
      double gbeta = 0;
      for (int i = 0; i < logL.length; i++) {
        double w = weight[i];
        if (w == 0) {
          continue;
        }
        double u1 = a - alpha * logN[i];
        double u2 = b - beta * logD[i];
        double m = Math.max(u1, Math.max(u2, e));
        double e1 = Math.exp(u1 - m);
        double e2 = Math.exp(u2 - m);
        double e3 = Math.exp(e - m);
        double s = e1 + e2 + e3;
        double r = m + Math.log(s) - logL[i];
        f += w * huber(r, delta);
        double c = w * huberSlope(r, delta) / s;
        double p1 = c * e1;
        double p2 = c * e2;
        ga += p1;
        gb += p2;
        ge += c * e3;
        galpha -= p1 * logN[i];
        gbeta -= p2 * logD[i];
      }
      g[0] = ga;
      g[1] = gb;
      g[2] = ge;
      g[3] = galpha;
      g[4] = gbeta;
      return f;
    }
  }

  /**
   * Kaplan's joint form in log space: log L = alphaD * LSE(r (log Nc - log N), log Dc - log D) with x
   * = (log Nc, log Dc, r = alphaN/alphaD, alphaD); no division anywhere, so it is smooth everywhere.
   */
  static final class Kaplan extends Objective {
    private final double[] nu;
    private final double[] du;
    private final int[] nIndex;
    private final int[] dIndex;

    Kaplan(double[] logN, double[] logD, double[] logL, double[] weight, double delta) {
      super(logN, logD, logL, weight, delta);
      nIndex = new int[logN.length];
      dIndex = new int[logD.length];
      nu = distinct(logN, nIndex);
      du = distinct(logD, dIndex);
    }

    @Override
    int dim() {
      return 4;
    }

    @Override
    double logPredict(double[] x, int i) {
      double u1 = x[2] * (x[0] - logN[i]);
      double u2 = x[1] - logD[i];
      double m = Math.max(u1, u2);
      return x[3] * (m + Math.log(Math.exp(u1 - m) + Math.exp(u2 - m)));
    }

    @Override
    double[] scratch() {
      return new double[2 * (nu.length + du.length)];
    }

    /**
     * Fused value and gradient as for the Chinchilla form: u1 = r (log Nc - log N) per distinct N and
     * u2 = log Dc - log D per distinct D are exponentiated once relative to the largest over all rows,
     * a row costs one log and one division, and gradient weights are summed per distinct N and D.
     */
    @Override
    double valueAndGradient(double[] x, double[] g, double[] sc) {
      double lnc = x[0];
      double ldc = x[1];
      double ratio = x[2];
      double ad = x[3];
      int nn = nu.length;
      int nd = du.length;
      int oD = nn;
      int oCn = nn + nd;
      int oCd = 2 * nn + nd;
      double m = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < nn; j++) {
        double u = ratio * (lnc - nu[j]);
        sc[j] = u;
        m = Math.max(m, u);
      }
      for (int k = 0; k < nd; k++) {
        double u = ldc - du[k];
        sc[oD + k] = u;
        m = Math.max(m, u);
      }
      if (!Double.isFinite(m)) {
        return rowWise(x, g);
      }
      for (int j = 0; j < nn; j++) {
        sc[j] = Math.exp(sc[j] - m);
        sc[oCn + j] = 0;
      }
      for (int k = 0; k < nd; k++) {
        sc[oD + k] = Math.exp(sc[oD + k] - m);
        sc[oCd + k] = 0;
      }
      double f = 0;
      double g0 = 0;
      double g1 = 0;
      double g2 = 0;
      double g3 = 0;
      double del = delta;
      for (int i = 0; i < nIndex.length; i++) {
        double w = weight[i];
        if (w == 0) {
          continue;
        }
        int j = nIndex[i];
        int k = dIndex[i];
        double s = sc[j] + sc[oD + k];
        if (!(s >= TINY)) {
          // Both terms of this row underflowed against m: redo it relative to its own largest term.
          double t = lnc - nu[j];
          double u1 = ratio * t;
          double u2 = ldc - du[k];
          double mr = Math.max(u1, u2);
          double e1 = Math.exp(u1 - mr);
          double e2 = Math.exp(u2 - mr);
          double sr = e1 + e2;
          double lse = mr + Math.log(sr);
          double r = ad * lse - logL[i];
          f += w * huber(r, del);
          double ws = w * huberSlope(r, del);
          g0 += ws * ad * e1 / sr * ratio;
          g1 += ws * ad * e2 / sr;
          g2 += ws * ad * e1 / sr * t;
          g3 += ws * lse;
          continue;
        }
        double lse = m + Math.log(s);
        double r = ad * lse - logL[i];
        double ar = Math.abs(r);
        double slope;
        if (ar <= del) {
          f += w * 0.5 * r * r;
          slope = r;
        } else {
          f += w * del * (ar - 0.5 * del);
          slope = r > 0 ? del : -del;
        }
        double ws = w * slope;
        g3 += ws * lse;
        double c = ws * ad / s;
        sc[oCn + j] += c;
        sc[oCd + k] += c;
      }
      for (int j = 0; j < nn; j++) {
        double p = sc[j] * sc[oCn + j];
        g0 += ratio * p;
        g2 += p * (lnc - nu[j]);
      }
      for (int k = 0; k < nd; k++) {
        g1 += sc[oD + k] * sc[oCd + k];
      }
      g[0] = g0;
      g[1] = g1;
      g[2] = g2;
      g[3] = g3;
      return f;
    }

    /** Row by row, each row relative to its own largest term (for points where m is not finite). */
    private double rowWise(double[] x, double[] g) {
      double lnc = x[0];
      double ldc = x[1];
      double ratio = x[2];
      double ad = x[3];
      double f = 0;
      double g0 = 0;
      double g1 = 0;
      double g2 = 0;
      double g3 = 0;
      for (int i = 0; i < logL.length; i++) {
        double w = weight[i];
        if (w == 0) {
          continue;
        }
        double t = lnc - logN[i];
        double u1 = ratio * t;
        double u2 = ldc - logD[i];
        double m = Math.max(u1, u2);
        double e1 = Math.exp(u1 - m);
        double e2 = Math.exp(u2 - m);
        double s = e1 + e2;
        double lse = m + Math.log(s);
        double r = ad * lse - logL[i];
        double ar = Math.abs(r);
        double slope;
        if (ar <= delta) {
          f += w * 0.5 * r * r;
          slope = r;
        } else {
          f += w * delta * (ar - 0.5 * delta);
          slope = r > 0 ? delta : -delta;
        }
        double ws = w * slope;
        double p1 = e1 / s;
        double p2 = e2 / s;
        g0 += ws * ad * p1 * ratio;
        g1 += ws * ad * p2;
        g2 += ws * ad * p1 * t;
        g3 += ws * lse;
      }
      g[0] = g0;
      g[1] = g1;
      g[2] = g2;
      g[3] = g3;
      return f;
    }
  }

  /**
   * A single-variable power law with offset in log space: log L = LSE(a - alpha log x, e) with x =
   * (a, e, alpha); {@code logX} is log N or log D.
   */
  static final class Power extends Objective {
    private final double[] logX;

    Power(double[] logX, double[] logL, double[] weight, double delta) {
      super(logX, logX, logL, weight, delta);
      this.logX = logX;
    }

    @Override
    int dim() {
      return 3;
    }

    @Override
    double logPredict(double[] x, int i) {
      double u1 = x[0] - x[2] * logX[i];
      double m = Math.max(u1, x[1]);
      return m + Math.log(Math.exp(u1 - m) + Math.exp(x[1] - m));
    }

    @Override
    double valueAndGradient(double[] x, double[] g, double[] scratch) {
      double f = 0;
      double g0 = 0;
      double g1 = 0;
      double g2 = 0;
      for (int i = 0; i < logL.length; i++) {
        double w = weight[i];
        if (w == 0) {
          continue;
        }
        double u1 = x[0] - x[2] * logX[i];
        double m = Math.max(u1, x[1]);
        double e1 = Math.exp(u1 - m);
        double e2 = Math.exp(x[1] - m);
        double s = e1 + e2;
        double r = m + Math.log(s) - logL[i];
        f += w * huber(r, delta);
        double c = w * huberSlope(r, delta) / s;
        g0 += c * e1;
        g1 += c * e2;
        g2 -= c * e1 * logX[i];
      }
      g[0] = g0;
      g[1] = g1;
      g[2] = g2;
      return f;
    }
  }
}
