package dev.scaling.common.fit;

/**
 * One measured point of a scaling study: a model of {@code n} parameters trained on {@code d}
 * tokens reached {@code loss} (nats/token). All three must be finite and positive because the laws
 * are fitted in log space.
 *
 * @param n model parameters
 * @param d training tokens
 * @param loss final evaluation loss
 */
public record ScalingPoint(double n, double d, double loss) {
  public ScalingPoint {
    requirePositive("n", n);
    requirePositive("d", d);
    requirePositive("loss", loss);
  }

  /** Training compute in FLOPs by the usual 6ND rule. */
  public double compute() {
    return 6.0 * n * d;
  }

  private static void requirePositive(String name, double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(name + " must be finite and positive, found " + v);
    }
  }
}
