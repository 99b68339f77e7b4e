package dev.scaling.driver.report;

/**
 * What a chart's tooltip shows of a trained trial beside its N, D and loss: its shape, learning
 * rate, batch, the standard error of its final loss, and for a wsd branch its trunk and fork, so
 * the report can draw trunks with their branches.
 *
 * @param width model width
 * @param depth model depth (blocks)
 * @param learningRate peak learning rate
 * @param batchSize sequences per optimizer step
 * @param batchTokens tokens per optimizer step
 * @param lossStderr standard error of the final held-out loss over its eval windows, NaN unknown
 * @param trunkId the wsd trunk the trial branches off, null for a trial trained on its own
 * @param forkStep the step the branch leaves its trunk at, 0 for none
 */
public record TrialInfo(
    int width,
    int depth,
    double learningRate,
    int batchSize,
    long batchTokens,
    double lossStderr,
    String trunkId,
    long forkStep) {
  public TrialInfo {
    if (width <= 0 || depth <= 0) {
      throw new IllegalArgumentException(
          "width and depth must be positive, found " + width + " and " + depth);
    }
    if (forkStep < 0) {
      throw new IllegalArgumentException("fork step must be >= 0, found " + forkStep);
    }
  }

  /** Whether the trial is a branch of a wsd trunk. */
  public boolean branched() {
    return trunkId != null;
  }
}
