package dev.scaling.common.fit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Parameters of the Chinchilla form L(N, D) = E + A/N^alpha + B/D^beta. The optimiser works with
 * (a, b, e, alpha, beta) where A = e^a, B = e^b, E = e^e.
 */
public record ChinchillaParams(double e, double a, double b, double alpha, double beta)
    implements LawParams {
  /** Builds from the optimiser's vector (log A, log B, log E, alpha, beta). */
  static ChinchillaParams fromTheta(double[] t) {
    return new ChinchillaParams(Math.exp(t[2]), Math.exp(t[0]), Math.exp(t[1]), t[3], t[4]);
  }

  public ChinchillaParams {
    // exp(e) underflows to 0 when the data cannot tell E from zero; 0 is a valid (boundary) fit.
    if (!(e >= 0 && Double.isFinite(e))
        || !(a >= 0 && Double.isFinite(a))
        || !(b >= 0 && Double.isFinite(b))) {
      throw new IllegalArgumentException(
          "E, A and B must be finite and >= 0, found " + e + ", " + a + ", " + b);
    }
    if (!Double.isFinite(alpha) || !Double.isFinite(beta)) {
      throw new IllegalArgumentException(
          "alpha and beta must be finite, found " + alpha + ", " + beta);
    }
  }

  @Override
  public LawForm form() {
    return LawForm.CHINCHILLA;
  }

  @Override
  public double predict(double n, double d) {
    return e + a / Math.pow(n, alpha) + b / Math.pow(d, beta);
  }

  @Override
  public Map<String, Double> named() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("E", e);
    m.put("A", a);
    m.put("B", b);
    m.put("alpha", alpha);
    m.put("beta", beta);
    return m;
  }

  @Override
  public double[] toTheta() {
    return new double[] {safeLog(a), safeLog(b), safeLog(e), alpha, beta};
  }

  /** log(x), with 0 mapped to log of the smallest normal double so warm starts stay finite. */
  static double safeLog(double x) {
    return Math.log(Math.max(x, Double.MIN_NORMAL));
  }

  /** The compute-optimal allocation this law implies; empty at a bound that leaves it undefined. */
  @Override
  public Optional<ComputeOptimal> computeOptimal() {
    return ComputeOptimal.of(this);
  }
}
