package dev.scaling.driver.live;

import java.io.Serializable;

/**
 * One point of a running trial's learning curve as the task reported it.
 *
 * @param step optimizer steps done
 * @param tokens training tokens consumed by those steps
 * @param trainLoss the training loss at that step (NaN when not reported)
 * @param evalLoss the held-out loss at that step (NaN when the step was not evaluated)
 */
public record LivePoint(long step, long tokens, double trainLoss, double evalLoss)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Whether the point carries a held-out loss. */
  public boolean hasEval() {
    return !Double.isNaN(evalLoss);
  }
}
