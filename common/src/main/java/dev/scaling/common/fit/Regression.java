package dev.scaling.common.fit;

import java.util.Arrays;

/**
 * Small least-squares helpers of the compute-optimal approaches and the batch study's frontier: a
 * line and a quadratic.
 */
public final class Regression {
  private Regression() {}

  /** Least-squares line y = c[0] + c[1] x; null with fewer than 2 distinct x. */
  public static double[] line(double[] x, double[] y) {
    int n = x.length;
    if (n < 2) {
      return null;
    }
    double mx = Arrays.stream(x).average().orElseThrow();
    double my = Arrays.stream(y).average().orElseThrow();
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < n; i++) {
      sxx += (x[i] - mx) * (x[i] - mx);
      sxy += (x[i] - mx) * (y[i] - my);
    }
    if (!(sxx > 1e-18)) {
      return null;
    }
    double slope = sxy / sxx;
    return new double[] {my - slope * mx, slope};
  }

  /**
   * Least-squares quadratic y = c[0] + c[1] x + c[2] x^2 (solved in x centred on its mean, then
   * expanded); null when the normal equations are singular.
   */
  static double[] quadratic(double[] x, double[] y) {
    int n = x.length;
    double m = Arrays.stream(x).average().orElse(0);
    double[][] a = new double[3][4];
    for (int i = 0; i < n; i++) {
      double t = x[i] - m;
      double[] f = {1, t, t * t};
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
          a[r][c] += f[r] * f[c];
        }
        a[r][3] += f[r] * y[i];
      }
    }
    double[] q = solve3(a);
    if (q == null) {
      return null;
    }
    // y = q0 + q1 (x - m) + q2 (x - m)^2
    return new double[] {q[0] - q[1] * m + q[2] * m * m, q[1] - 2 * q[2] * m, q[2]};
  }

  /** Gauss-Jordan with partial pivoting on an augmented 3x4 matrix; null when singular. */
  static double[] solve3(double[][] a) {
    int n = 3;
    double scale = 0;
    for (double[] row : a) {
      for (int c = 0; c < n; c++) {
        scale = Math.max(scale, Math.abs(row[c]));
      }
    }
    for (int col = 0; col < n; col++) {
      int piv = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) {
          piv = r;
        }
      }
      if (!(Math.abs(a[piv][col]) > 1e-12 * scale)) {
        return null;
      }
      double[] tmp = a[col];
      a[col] = a[piv];
      a[piv] = tmp;
      for (int r = 0; r < n; r++) {
        if (r != col) {
          double f = a[r][col] / a[col][col];
          for (int c = col; c <= n; c++) {
            a[r][c] -= f * a[col][c];
          }
        }
      }
    }
    return new double[] {a[0][3] / a[0][0], a[1][3] / a[1][1], a[2][3] / a[2][2]};
  }
}
