package dev.scaling.common.curve;

import java.util.Arrays;
import java.util.List;

/**
 * The Multi-Power Law of Luo et al. 2025 ("A Multi-Power Law for Loss Curve Prediction Across
 * Learning Rate Schedules"), exactly as the paper's public code computes it: with eta_s the rate at
 * step s (linear between the curve's rows), s0 the first row's step and S1(t) = sum of eta_i for i
 * = s0..t (the warmup included),
 *
 * <pre>
 *   L(t)  = L0 + A·S1(t)^(-alpha) - LD(t)
 *   LD(t) = B · sum over k = s0+1..t of (eta_(k-1) - eta_k) · G(eta_k^(-gamma) · (S1(t) - S1(k-1)))
 *   G(x)  = 1 - (C·x + 1)^(-beta)
 * </pre>
 *
 * <p>Every step whose rate changes contributes, the warmup's rising steps too (with a negative
 * gap), as in the code. A step with rate 0 has G = 1 when S1(t) - S1(k-1) &gt; 0 and 0 when it is 0
 * (the limit, no NaN), with zero derivatives. At a row where S1(t) = 0 (the first row of a warmup
 * from 0) the law is undefined: {@link #predict} writes NaN there, and the fitter skips such rows.
 *
 * <p>Parameters (L0, A, alpha, B, C, beta, gamma), all positive. The sum LD is evaluated by {@link
 * DropSums} in about O(log t) work per row rather than O(t); see the package documentation for the
 * scheme and its error.
 */
final class MultiPowerLaw implements CurveLaw {
  /** Parameter order. */
  static final int L0 = 0;

  static final int A = 1;
  static final int ALPHA = 2;
  static final int B = 3;
  static final int C = 4;
  static final int BETA = 5;
  static final int GAMMA = 6;

  private static final int DIM = 7;

  private static final List<String> NAMES = List.of("L0", "A", "alpha", "B", "C", "beta", "gamma");

  private static final List<String> MEANINGS =
      List.of(
          "The loss a constant-rate run approaches as the area S1 under the rate grows without"
              + " bound; any run identifies it, long runs best.",
          "The scale of the power-law decrease of the loss with the area S1 under the rate; a"
              + " constant-rate run alone identifies only L0, A and alpha.",
          "The exponent of that power law in S1; identified with L0 and A by any run,"
              + " constant ones included.",
          "The loss drop per unit of rate decrease once the drop has saturated; needs at least"
              + " one schedule whose rate decays (cosine, WSD, a step down).",
          "How fast the drop after a rate decrease builds up with the area trained after it;"
              + " needs a decay followed by further steps (a step down then a plateau, or a long"
              + " decay), and is confounded with B and beta by a single short cooldown.",
          "The exponent with which the drop after a rate decrease saturates; identified,"
              + " like C, by the shape of the loss after decreases, not by its final size.",
          "How much the build-up of the drop depends on the rate the decrease led to"
              + " (through eta^(-gamma)); needs decays ending at different rates (steps down to"
              + " two levels, or a cosine and a step).");

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
    boolean[] p = new boolean[DIM];
    Arrays.fill(p, true);
    return p;
  }

  @Override
  public DropSums prepare(Curve curve) {
    return DropSums.of(curve);
  }

  @Override
  public void predict(double[] p, Prepared curve, double[] out, double[] jac) {
    DropSums d = (DropSums) curve;
    int rows = d.rows();
    double b = p[B];
    // sums[4r..4r+3]: sum g·G and its derivatives in C, beta, gamma at row r
    double[] sums = Scratch.get(Scratch.MPL_SUMS, 4 * rows);
    d.evaluate(p[C], p[BETA], p[GAMMA], sums);
    double[] s1 = d.s1();
    double[] logS1s = d.logS1();
    for (int r = 0; r < rows; r++) {
      if (!(s1[r] > 0)) {
        out[r] = Double.NaN;
        if (jac != null) {
          Arrays.fill(jac, r * DIM, r * DIM + DIM, Double.NaN);
        }
        continue;
      }
      double logS1 = logS1s[r];
      double pow = Math.exp(-p[ALPHA] * logS1);
      double drop = sums[4 * r];
      out[r] = p[L0] + p[A] * pow - b * drop;
      if (jac != null) {
        int o = r * DIM;
        jac[o + L0] = 1;
        jac[o + A] = pow;
        jac[o + ALPHA] = -p[A] * pow * logS1;
        jac[o + B] = -drop;
        jac[o + C] = -b * sums[4 * r + 1];
        jac[o + BETA] = -b * sums[4 * r + 2];
        jac[o + GAMMA] = -b * sums[4 * r + 3];
      }
    }
  }

  /**
   * The paper's starts (src/fitting.py): first the 4-parameter form L0 + A·S1^(-alpha) - B·(eta_max
   * - eta_t) fitted from a grid (L0 within 0.2 of the lowest loss, A and alpha within 0.1 of a
   * log-log regression of loss - min + 0.01 on S1, B in {100, 550, 1000} scaled by 3e-4 / eta_max),
   * then its best fits extended by C, beta, gamma starts.
   */
  @Override
  public List<double[]> starts(List<Prepared> train) {
    return MplStarts.starts(train.stream().map(p -> (DropSums) p).toList());
  }
}
