package dev.scaling.driver.report;

import dev.scaling.common.fit.ScalingPoint;

/**
 * One fitted row as the report shows it: its id (may be null for plain tables), its point, and its
 * weight in the fit (1 for a trained trial; a predicted branch's weight from its interval, see
 * {@link dev.scaling.driver.predict.PredictionWeight}).
 */
public record TrialPoint(String trialId, ScalingPoint point, double weight) {
  public TrialPoint {
    if (point == null) {
      throw new IllegalArgumentException("point must be present, found null");
    }
    if (!(weight > 0 && weight <= 1)) {
      throw new IllegalArgumentException("weight must be in (0, 1], found " + weight);
    }
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
