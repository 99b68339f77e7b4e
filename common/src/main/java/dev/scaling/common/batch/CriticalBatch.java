package dev.scaling.common.batch;

import dev.scaling.common.fit.Interval;
import dev.scaling.common.spec.InvariantViolation;

/**
 * The fit of S = S_min + E_min / B for one group (a model) at one target loss, with the critical
 * batch size B_crit = E_min / S_min (in the unit of the points' batch sizes): the batch at which
 * training needs twice the minimum steps and twice the minimum examples.
 *
 * @param group the group fitted (e.g. a model name; {@code all} when the table has no groups)
 * @param target the target loss the steps were counted to
 * @param sMin the minimum number of steps (at infinite batch)
 * @param eMin the minimum number of examples (at batch size 0), in batch units times steps
 * @param bCrit E_min / S_min
 * @param sMinCi percentile interval of S_min, null without bootstrap
 * @param eMinCi percentile interval of E_min, null without bootstrap
 * @param bCritCi percentile interval of B_crit, null without bootstrap
 * @param nPoints points fitted
 * @param rmsLogResidual root mean square of log S_hat - log S over the points
 * @param failedResamples bootstrap resamples that could not be fitted (fewer than 3 distinct batch
 *     sizes drawn, or a non-finite fit): skipped, not in the intervals
 */
public record CriticalBatch(
    String group,
    double target,
    double sMin,
    double eMin,
    double bCrit,
    Interval sMinCi,
    Interval eMinCi,
    Interval bCritCi,
    int nPoints,
    double rmsLogResidual,
    int failedResamples) {
  public CriticalBatch {
    InvariantViolation.check(
        group != null
            && Double.isFinite(target)
            && sMin > 0
            && eMin > 0
            && bCrit > 0
            && !Double.isNaN(bCrit)
            && nPoints >= 3
            && rmsLogResidual >= 0
            && failedResamples >= 0,
        "a critical-batch fit needs a group, a finite target, positive S_min, E_min and B_crit,"
            + " >= 3 points; found "
            + group
            + ", "
            + target
            + ", "
            + sMin
            + ", "
            + eMin
            + ", "
            + bCrit
            + ", "
            + nPoints);
  }

  /** A fit without a count of failed resamples (none failed, or no bootstrap). */
  public CriticalBatch(
      String group,
      double target,
      double sMin,
      double eMin,
      double bCrit,
      Interval sMinCi,
      Interval eMinCi,
      Interval bCritCi,
      int nPoints,
      double rmsLogResidual) {
    this(group, target, sMin, eMin, bCrit, sMinCi, eMinCi, bCritCi, nPoints, rmsLogResidual, 0);
  }

  /** The fitted steps to the target at batch size {@code batch}: S_min + E_min / B. */
  public double steps(double batch) {
    return sMin + eMin / batch;
  }
}
