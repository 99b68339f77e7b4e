package dev.scaling.common.batch;

import dev.scaling.common.spec.SpecException;

/**
 * One measurement of the steps/examples trade-off: at batch size {@code batch} (tokens or sequences
 * per optimizer step, in whatever unit the caller uses throughout), {@code steps} optimizer steps
 * first reached the target loss.
 *
 * @param batch batch size, positive and finite
 * @param steps optimizer steps to the target, positive and finite (interpolated steps may be
 *     fractional)
 */
public record StepsPoint(double batch, double steps) {
  public StepsPoint {
    SpecException.require(
        batch > 0 && Double.isFinite(batch), "batch_size", "positive and finite", batch);
    SpecException.require(
        steps > 0 && Double.isFinite(steps), "steps", "positive and finite", steps);
  }
}
