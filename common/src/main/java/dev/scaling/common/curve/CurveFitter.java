package dev.scaling.common.curve;

import java.util.List;

/**
 * Fits a {@link CurveLaw} to training curves: the sum over their logged rows of Huber_delta(log
 * predicted - log loss), minimised by BFGS with the law's analytic gradient from the law's grid of
 * starts (positive parameters searched in log space), then the same fit on bootstrap resamples of
 * the training runs (whole runs, not points of one run) for percentile intervals.
 */
public final class CurveFitter {
  private CurveFitter() {}

  /** Fits {@code form} to {@code train}; throws a SpecException for too few runs or points. */
  public static CurveFit fit(CurveLawForm form, List<Curve> train, CurveFitOptions options) {
    throw new UnsupportedOperationException("not yet written");
  }
}
