package dev.scaling.driver.report;

import dev.scaling.common.fit.ScalingPoint;

/**
 * One fitted row as the report shows it: its id (may be null for plain tables), its point, its
 * weight in the fit (1 for a trained trial; a predicted branch's weight from its interval, see
 * {@link dev.scaling.driver.predict.PredictionWeight}) and what the charts' tooltips show of its
 * trial ({@code info}, null where unknown: a plain table).
 */
public record TrialPoint(String trialId, ScalingPoint point, double weight, TrialInfo info) {
  public TrialPoint {
    if (point == null) {
      throw new IllegalArgumentException("point must be present, found null");
    }
    if (!(weight > 0 && weight <= 1)) {
      throw new IllegalArgumentException("weight must be in (0, 1], found " + weight);
    }
  }

  /** A row of {@code weight} with nothing known of its trial beyond N, D and loss. */
  public TrialPoint(String trialId, ScalingPoint point, double weight) {
    this(trialId, point, weight, null);
  }

  /** A row of weight 1 (a trained trial, or a row of a plain table). */
  public TrialPoint(String trialId, ScalingPoint point) {
    this(trialId, point, 1.0);
  }

  /** Whether the row counts less than a trained one (a predicted branch). */
  public boolean weighted() {
    return weight < 1;
  }
}
