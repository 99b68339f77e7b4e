package dev.scaling.common.curve;

/**
 * One curve prepared for the Multi-Power Law: the rate and its prefix sum S1 at every step, and the
 * loss-drop sums D(t) = sum over k = s0+1..t of g_k·G(eta_k^(-gamma)·(S1(t) - S1(k-1))), g_k =
 * eta_(k-1) - eta_k, with their derivatives in C, beta and gamma, at every row.
 */
final class DropSums implements CurveLaw.Prepared {
  private final Curve curve;
  private final int[] rowIndex;
  private final double[] eta;
  private final double[] logEta;
  private final double[] cum;
  private final double[] s1;
  private final double[] logS1;
  private final DropPlan fast;

  private DropSums(Curve curve, int[] rowIndex, double[] eta, double[] cum, double[] s1) {
    this.curve = curve;
    this.rowIndex = rowIndex;
    this.eta = eta;
    this.cum = cum;
    this.s1 = s1;
    this.logS1 = new double[s1.length];
    for (int r = 0; r < s1.length; r++) {
      logS1[r] = Math.log(s1[r]);
    }
    this.logEta = new double[eta.length];
    for (int i = 0; i < eta.length; i++) {
      logEta[i] = Math.log(eta[i]);
    }
    this.fast = new DropPlan(eta, logEta, cum, rowIndex);
  }

  /** The evaluation plan (for tests and benchmarks). */
  DropPlan plan() {
    return fast;
  }

  /**
   * Prepares {@code curve}: the rate at every step (the same arithmetic as {@link Curve#lrAt}), its
   * compensated prefix sums, and the fast evaluation's plan.
   */
  static DropSums of(Curve curve) {
    long[] steps = curve.steps();
    double[] lr = curve.lr();
    int rows = steps.length;
    long span = curve.lastStep() - steps[0] + 1;
    if (span > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "run " + curve.run() + ": too many steps for the multi-power law: " + span);
    }
    int n = (int) span;
    double[] eta = new double[n];
    int[] rowIndex = new int[rows];
    for (int r = 0; r < rows; r++) {
      rowIndex[r] = (int) (steps[r] - steps[0]);
      eta[rowIndex[r]] = lr[r];
      if (r + 1 < rows) {
        long width = steps[r + 1] - steps[r];
        for (long j = 1; j < width; j++) {
          // the same arithmetic as Curve.lrAt
          double f = (double) j / width;
          eta[rowIndex[r] + (int) j] = lr[r] + f * (lr[r + 1] - lr[r]);
        }
      }
    }
    // prefix sums, compensated (Neumaier) so that differences of nearby sums keep their digits
    double[] cum = new double[n];
    double sum = 0;
    double comp = 0;
    for (int i = 0; i < n; i++) {
      double x = eta[i];
      double t = sum + x;
      comp += Math.abs(sum) >= Math.abs(x) ? (sum - t) + x : (x - t) + sum;
      sum = t;
      cum[i] = sum + comp;
    }
    double[] s1 = new double[rows];
    for (int r = 0; r < rows; r++) {
      s1[r] = cum[rowIndex[r]];
    }
    return new DropSums(curve, rowIndex, eta, cum, s1);
  }

  @Override
  public Curve curve() {
    return curve;
  }

  @Override
  public boolean defined(int row) {
    return s1[row] > 0;
  }

  int rows() {
    return rowIndex.length;
  }

  /** S1 at every row. */
  double[] s1() {
    return s1;
  }

  /** log S1 at every row (-infinity where S1 = 0). */
  double[] logS1() {
    return logS1;
  }

  /** The rate at every step from the first row's. */
  double[] eta() {
    return eta;
  }

  /** The largest rate. */
  double peak() {
    double m = 0;
    for (double e : eta) {
      m = Math.max(m, e);
    }
    return m;
  }

  /** The rate at every row. */
  double etaAtRow(int r) {
    return eta[rowIndex[r]];
  }

  /**
   * Writes, for every row r, out[4r] = D(t_r) and out[4r+1..4r+3] its derivatives in C, beta and
   * gamma, by the fast scheme of {@link DropPlan}.
   */
  void evaluate(double c, double beta, double gamma, double[] out) {
    fast.evaluate(c, beta, gamma, out);
  }

  /**
   * The same sums with every step's term taken one by one, O(t) per row: the fast scheme's check
   * (tests and benchmarks).
   */
  void exact(double c, double beta, double gamma, double[] out) {
    for (int r = 0; r < rowIndex.length; r++) {
      int t = rowIndex[r];
      double u = cum[t];
      double v0 = 0;
      double vc = 0;
      double vb = 0;
      double vg = 0;
      for (int k = 1; k <= t; k++) {
        double g = eta[k - 1] - eta[k];
        if (g == 0) {
          continue;
        }
        double area = u - cum[k - 1];
        if (eta[k] == 0) {
          v0 += area > 0 ? g : 0;
          continue;
        }
        double x = c * Math.exp(-gamma * logEta[k]) * area;
        if (x == Double.POSITIVE_INFINITY) {
          v0 += g;
          continue;
        }
        double l1 = Math.log1p(x);
        double q = Math.exp(-beta * l1);
        double z = x / (1 + x);
        v0 += g * (1 - q);
        vc += g * beta * q * z;
        vb += g * l1 * q;
        vg -= g * beta * q * z * logEta[k];
      }
      out[4 * r] = v0;
      out[4 * r + 1] = vc / c;
      out[4 * r + 2] = vb;
      out[4 * r + 3] = vg;
    }
  }
}
