package dev.scaling.common.curve;

import java.util.ArrayList;
import java.util.List;

/**
 * The learning-rate annealing law of Tissue et al. 2024 ("Scaling Law with Learning Rate
 * Annealing"): L(s) = L0 + A·S1(s)^(-alpha) - C·S2(s), with the forward area S1(s) = sum over i
 * &lt;= s of eta_i and the annealing area S2(s) = sum over i &lt;= s of m_i, m_i = lambda·m_(i-1) +
 * (eta_(i-1) - eta_i), m at the first step 0.
 *
 * <p>As Tissue's reference script does, the warmup (the steps before the rate first reaches its
 * maximum over the run) is taken at the maximum rate for both S1 and S2, so the warmup adds area
 * but no annealing. S1 and S2 depend on no fitted parameter: {@link #prepare} computes them at
 * every row in one pass over the steps, and {@link #predict} costs O(rows).
 *
 * <p>Parameters (L0, A, alpha, C), all positive; lambda (the annealing momentum per step) is a
 * constructor setting, {@link #DEFAULT_LAMBDA} 0.999 as in the paper.
 */
final class AnnealingLaw implements CurveLaw {
  /** The paper's momentum per step. */
  static final double DEFAULT_LAMBDA = 0.999;

  private static final List<String> NAMES = List.of("L0", "A", "alpha", "C");

  private static final List<String> MEANINGS =
      List.of(
          "The loss that a constant-rate run approaches as the area S1 under the rate grows"
              + " without bound; any run identifies it, long runs best.",
          "The scale of the power-law decrease of the loss with the forward area S1; a"
              + " constant-rate run alone identifies L0, A and alpha.",
          "The exponent of that power law in S1; identified with L0 and A by any run,"
              + " constant ones included.",
          "The loss drop per unit of annealing area S2 (the momentum-smoothed rate decrease);"
              + " needs at least one schedule whose rate decays (a constant run has S2 = 0).");

  private final double lambda;

  AnnealingLaw(double lambda) {
    if (!(lambda >= 0 && lambda < 1)) {
      throw new IllegalArgumentException("lambda must be in [0, 1), found " + lambda);
    }
    this.lambda = lambda;
  }

  /** The annealing momentum per step. */
  double lambda() {
    return lambda;
  }

  @Override
  public List<String> parameterNames() {
    return NAMES;
  }

  @Override
  public List<String> parameterMeanings() {
    return MEANINGS;
  }

  @Override
  public boolean[] positive() {
    return new boolean[] {true, true, true, true};
  }

  /** S1 and S2 at every row, and the peak rate (for the starts). */
  record Areas(Curve curve, double[] s1, double[] s2, double peak) implements Prepared {
    @Override
    public boolean defined(int row) {
      return s1[row] > 0;
    }
  }

  @Override
  public Areas prepare(Curve curve) {
    long[] steps = curve.steps();
    double[] lr = curve.lr();
    int rows = steps.length;
    double peak = 0;
    int peakRow = 0;
    for (int r = 0; r < rows; r++) {
      if (lr[r] > peak) {
        peak = lr[r];
        peakRow = r;
      }
    }
    long warmupEnd = steps[peakRow];
    double[] s1 = new double[rows];
    double[] s2 = new double[rows];
    double area = 0;
    double annealing = 0;
    double m = 0;
    double prev = Double.NaN;
    int r = 0;
    for (long s = steps[0]; s <= curve.lastStep(); s++) {
      double eta = s < warmupEnd ? peak : curve.lrAt(s);
      if (!Double.isNaN(prev)) {
        m = lambda * m + (prev - eta);
      }
      area += eta;
      annealing += m;
      prev = eta;
      if (s == steps[r]) {
        s1[r] = area;
        s2[r] = annealing;
        r++;
      }
    }
    return new Areas(curve, s1, s2, peak);
  }

  @Override
  public void predict(double[] p, Prepared curve, double[] out, double[] jac) {
    Areas a = (Areas) curve;
    double l0 = p[0];
    double amp = p[1];
    double alpha = p[2];
    double c = p[3];
    for (int r = 0; r < a.s1.length; r++) {
      double s1 = a.s1[r];
      if (!(s1 > 0)) {
        out[r] = Double.NaN;
        if (jac != null) {
          for (int j = 0; j < 4; j++) {
            jac[r * 4 + j] = Double.NaN;
          }
        }
        continue;
      }
      double logS1 = Math.log(s1);
      double pow = Math.exp(-alpha * logS1);
      out[r] = l0 + amp * pow - c * a.s2[r];
      if (jac != null) {
        int o = r * 4;
        jac[o] = 1;
        jac[o + 1] = pow;
        jac[o + 2] = -amp * pow * logS1;
        jac[o + 3] = -a.s2[r];
      }
    }
  }

  /**
   * Tissue's reference grid: L0 in {0.1, 2.1}, A in {1, 11.5, 22}, C in {1, 11.5, 22}, alpha in {0,
   * 0.4, 0.8} (alpha 0 replaced by 0.05, the search being in log space). The grid is his for rates
   * of order 1e-4; C is scaled by 3e-4 / the training runs' peak rate so that C·S2 keeps its size
   * at other rate scales (no change at a peak of 3e-4).
   */
  @Override
  public List<double[]> starts(List<Prepared> train) {
    double peak = 0;
    for (Prepared p : train) {
      peak = Math.max(peak, ((Areas) p).peak);
    }
    double scale = peak > 0 ? 3e-4 / peak : 1;
    List<double[]> out = new ArrayList<>();
    for (double l0 : new double[] {0.1, 2.1}) {
      for (double a : new double[] {1, 11.5, 22}) {
        for (double c : new double[] {1, 11.5, 22}) {
          for (double alpha : new double[] {0.05, 0.4, 0.8}) {
            out.add(new double[] {l0, a, alpha, c * scale});
          }
        }
      }
    }
    return out;
  }
}
