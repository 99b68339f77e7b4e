package dev.scaling.common.batch;

import dev.scaling.common.spec.SpecException;

/**
 * How the batch-size fits are bootstrapped: {@code bootstrap} resamples of the points (0 for no
 * intervals), drawn from {@code seed} (so a fit is deterministic), and the coverage {@code
 * confidence} of the percentile intervals.
 *
 * @param bootstrap resamples, 0 for none
 * @param seed seed of the resampling
 * @param confidence coverage of the percentile intervals, in (0, 1), e.g. 0.95
 */
public record BatchFitOptions(int bootstrap, long seed, double confidence) {
  public BatchFitOptions {
    SpecException.require(bootstrap >= 0, "bootstrap", ">= 0 (0 for none)", bootstrap);
    SpecException.require(confidence > 0 && confidence < 1, "confidence", "in (0, 1)", confidence);
  }

  /** 1000 resamples, the command line's seed 20240917, 95% intervals. */
  public static BatchFitOptions defaults() {
    return new BatchFitOptions(1000, 20240917L, 0.95);
  }
}
