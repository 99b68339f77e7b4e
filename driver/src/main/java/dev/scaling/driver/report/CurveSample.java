package dev.scaling.driver.report;

/**
 * One learning-curve point of one trial, as stored in a sweep's {@code OUT/curves}.
 *
 * @param evalLoss NaN when the step was not evaluated
 */
public record CurveSample(
    String trialId, long step, long tokens, double lr, double trainLoss, double evalLoss) {
  public CurveSample {
    if (trialId == null || step < 0 || tokens < 0) {
      throw new IllegalArgumentException(
          "curve sample needs a trial_id and step, tokens >= 0, found "
              + trialId
              + ", "
              + step
              + ", "
              + tokens);
    }
  }
}
