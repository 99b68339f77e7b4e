package dev.scaling.driver.report;

import dev.scaling.common.fit.ScalingPoint;

/**
 * One finished trial as the report shows it: its id (may be null for plain tables) and its point.
 */
public record TrialPoint(String trialId, ScalingPoint point) {
  public TrialPoint {
    if (point == null) {
      throw new IllegalArgumentException("point must be present, found null");
    }
  }
}
