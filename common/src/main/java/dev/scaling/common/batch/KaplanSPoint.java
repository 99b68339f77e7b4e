package dev.scaling.common.batch;

import dev.scaling.common.spec.SpecException;

/**
 * One point of L(N, S_min): a model of {@code n} parameters reached loss {@code loss} in at least
 * {@code sMin} steps (the S_min of its critical-batch fit at that target).
 *
 * @param n parameters, positive and finite
 * @param sMin minimum steps to the loss, positive and finite
 * @param loss the target loss, positive and finite
 */
public record KaplanSPoint(double n, double sMin, double loss) {
  public KaplanSPoint {
    SpecException.require(n > 0 && Double.isFinite(n), "N", "positive and finite", n);
    SpecException.require(sMin > 0 && Double.isFinite(sMin), "S_min", "positive and finite", sMin);
    SpecException.require(
        loss > 0 && Double.isFinite(loss), "target_loss", "positive and finite", loss);
  }
}
