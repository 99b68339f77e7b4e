package dev.scaling.common.trial;

import java.io.Serializable;

/**
 * One point of a learning curve.
 *
 * @param step optimizer steps completed
 * @param tokens training tokens seen after {@code step} steps
 * @param lr learning rate used for the last step
 * @param trainLoss mean training cross-entropy (nats/token) since the previous point
 * @param evalLoss held-out cross-entropy (nats/token) at this step, NaN when not evaluated here
 */
public record CurvePoint(long step, long tokens, double lr, double trainLoss, double evalLoss)
    implements Serializable {
  public CurvePoint {
    if (step < 0 || tokens < 0) {
      throw new IllegalArgumentException(
          "step and tokens must be >= 0, found " + step + ", " + tokens);
    }
  }

  /** Whether this point carries an evaluation. */
  public boolean hasEval() {
    return !Double.isNaN(evalLoss);
  }
}
