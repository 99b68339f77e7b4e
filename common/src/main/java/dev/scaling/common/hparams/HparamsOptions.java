package dev.scaling.common.hparams;

import dev.scaling.common.spec.SpecException;

/**
 * How the hyperparameter laws are fitted.
 *
 * @param tolerance a run is optimal when its (smoothed) loss is at most its cell's best x (1 +
 *     tolerance); in [0, 1), StepLaw's 0.0025 by default
 * @param batchOn what the batch-size law depends on
 * @param bootstrap resamples of whole cells for the intervals, 0 for none
 * @param seed seed of the resampling
 * @param confidence the intervals' level, in (0, 1)
 */
public record HparamsOptions(
    double tolerance, BatchLawInputs batchOn, int bootstrap, long seed, double confidence) {

  /** StepLaw's tolerance: runs within 0.25% of their cell's best. */
  public static final double DEFAULT_TOLERANCE = 0.0025;

  public HparamsOptions {
    SpecException.require(tolerance >= 0 && tolerance < 1, "tolerance", "in [0, 1)", tolerance);
    SpecException.require(batchOn != null, "bs_on", "one of " + BatchLawInputs.labels(), null);
    SpecException.require(bootstrap >= 0, "bootstrap", ">= 0 (0 for none)", bootstrap);
    SpecException.require(confidence > 0 && confidence < 1, "confidence", "in (0, 1)", confidence);
  }

  /** Tolerance 0.0025, B* on D, 1000 resamples, seed 20240917, 95% intervals. */
  public static HparamsOptions defaults() {
    return new HparamsOptions(DEFAULT_TOLERANCE, BatchLawInputs.D, 1000, 20240917L, 0.95);
  }

  /** A copy with another tolerance. */
  public HparamsOptions withTolerance(double v) {
    return new HparamsOptions(v, batchOn, bootstrap, seed, confidence);
  }

  /** A copy whose batch-size law depends on {@code v}. */
  public HparamsOptions withBatchOn(BatchLawInputs v) {
    return new HparamsOptions(tolerance, v, bootstrap, seed, confidence);
  }

  /** A copy with another bootstrap count and seed. */
  public HparamsOptions withBootstrap(int resamples, long newSeed) {
    return new HparamsOptions(tolerance, batchOn, resamples, newSeed, confidence);
  }

  /** A copy with another interval level. */
  public HparamsOptions withConfidence(double v) {
    return new HparamsOptions(tolerance, batchOn, bootstrap, seed, v);
  }
}
