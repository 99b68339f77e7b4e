package dev.scaling.driver.report;

import dev.scaling.common.curve.Curve;
import dev.scaling.common.curve.CurveAccuracy;

/**
 * One run's curve beside a curve law's prediction of it: the loss predicted at every row, its
 * bootstrap band where the fit was bootstrapped, and how well it matches the logged losses.
 *
 * @param curve the run's schedule and logged losses
 * @param trainedOn whether the run was among the fit's training runs
 * @param predicted whether the run was asked to be predicted (its errors count in the mean over
 *     predicted runs)
 * @param loss the law's loss at every row of the curve (non-finite where the law has no value, e.g.
 *     at a first row with no learning rate yet)
 * @param low the lower end of the prediction's bootstrap band per row, or null without bootstrap
 * @param high the upper end, or null without bootstrap
 * @param accuracy the prediction's errors on the logged rows
 */
public record CurvePrediction(
    Curve curve,
    boolean trainedOn,
    boolean predicted,
    double[] loss,
    double[] low,
    double[] high,
    CurveAccuracy accuracy) {
  public CurvePrediction {
    int n = curve.steps().length;
    if (loss.length != n
        || (low != null && low.length != n)
        || (high != null && high.length != n)) {
      throw new IllegalArgumentException(
          "run " + curve.run() + ": one predicted value per row (" + n + ") needed");
    }
    if ((low == null) != (high == null)) {
      throw new IllegalArgumentException("run " + curve.run() + ": a band needs both ends");
    }
    loss = loss.clone();
    low = low == null ? null : low.clone();
    high = high == null ? null : high.clone();
  }

  /** The run's name. */
  public String run() {
    return curve.run();
  }

  /** "train", "predict" or "train, predict": the run's part in the fit. */
  public String role() {
    return trainedOn && predicted ? "train, predict" : trainedOn ? "train" : "predict";
  }

  /** The predicted loss per row (a copy). */
  @Override
  public double[] loss() {
    return loss.clone();
  }

  /** The band's lower end per row (a copy), or null. */
  @Override
  public double[] low() {
    return low == null ? null : low.clone();
  }

  /** The band's upper end per row (a copy), or null. */
  @Override
  public double[] high() {
    return high == null ? null : high.clone();
  }
}
