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

  /** The objective at {@code x}; writes the gradient into {@code grad}. */
  abstract double valueAndGradient(double[] x, double[] grad);

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
    Chinchilla(double[] logN, double[] logD, double[] logL, double[] weight, double delta) {
      super(logN, logD, logL, weight, delta);
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
    double valueAndGradient(double[] x, double[] g) {
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
        double ar = Math.abs(r);
        double slope;
        if (ar <= delta) {
          f += w * 0.5 * r * r;
          slope = r;
        } else {
          f += w * delta * (ar - 0.5 * delta);
          slope = r > 0 ? delta : -delta;
        }
        double c = w * slope / s;
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
    Kaplan(double[] logN, double[] logD, double[] logL, double[] weight, double delta) {
      super(logN, logD, logL, weight, delta);
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
    double valueAndGradient(double[] x, double[] g) {
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
    double valueAndGradient(double[] x, double[] g) {
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
