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
 * @param gradNoiseScale the gradient noise scale B_simple (tokens) measured up to this step, the
 *     ratio of its two moving averages ({@code training.noise_scale}); null where not measured (one
 *     microbatch, switched off, a commit written before it existed) or not yet defined
 */
public record CurvePoint(
    long step, long tokens, double lr, double trainLoss, double evalLoss, Double gradNoiseScale)
    implements Serializable {
  public CurvePoint {
    if (step < 0 || tokens < 0) {
      throw new IllegalArgumentException(
          "step and tokens must be >= 0, found " + step + ", " + tokens);
    }
  }

  /** A point without a noise-scale measurement. */
  public CurvePoint(long step, long tokens, double lr, double trainLoss, double evalLoss) {
    this(step, tokens, lr, trainLoss, evalLoss, null);
  }

  /** Whether this point carries an evaluation. */
  public boolean hasEval() {
    return !Double.isNaN(evalLoss);
  }
}
