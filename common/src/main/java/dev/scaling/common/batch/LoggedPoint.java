package dev.scaling.common.batch;

/**
 * One logged point of a trial's learning curve as the batch study reads it: the optimizer step, the
 * held-out loss there (NaN where not evaluated) and the gradient noise scale measured there (in
 * tokens; null where not measured).
 *
 * @param step optimizer steps completed
 * @param loss held-out loss (nats/token), NaN where not evaluated
 * @param noiseScale the gradient noise scale B_simple in tokens, null where not measured
 */
public record LoggedPoint(long step, double loss, Double noiseScale) {
  public LoggedPoint {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, found " + step);
    }
  }

  /** Whether this point carries a finite held-out loss. */
  public boolean evaluated() {
    return Double.isFinite(loss);
  }

  /** Whether this point carries a finite, positive noise scale. */
  public boolean measuredNoise() {
    return noiseScale != null && Double.isFinite(noiseScale) && noiseScale > 0;
  }
}
