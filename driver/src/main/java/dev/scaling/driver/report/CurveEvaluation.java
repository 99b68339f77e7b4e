package dev.scaling.driver.report;

import dev.scaling.common.curve.CurveAccuracy;
import dev.scaling.common.curve.CurveFit;
import java.util.List;

/**
 * A curve law, fitted or given, and its predictions of the runs of a curves table: what {@code
 * ./sweep fit --curves} prints, writes and draws.
 *
 * @param fit the law's parameters (with intervals when bootstrapped)
 * @param given whether the parameters were given (--params) rather than fitted
 * @param source the curves table read
 * @param lossColumn the column the losses came from
 * @param runs every training and every predicted run, in table order
 * @param notes sentences a reader of the results should know (how curves were assembled)
 */
public record CurveEvaluation(
    CurveFit fit,
    boolean given,
    String source,
    String lossColumn,
    List<CurvePrediction> runs,
    List<String> notes) {
  public CurveEvaluation {
    runs = List.copyOf(runs);
    notes = List.copyOf(notes);
  }

  /**
   * The mean over predicted runs: of their mean relative errors, the worst of their worst, and the
   * mean R^2; runs with no logged loss do not count.
   *
   * @param runs the predicted runs with at least one logged loss
   * @param meanRelativeError the mean over those runs of each run's mean relative error
   * @param worstRelativeError the largest relative error at any of their logged rows
   * @param meanR2 the mean of their R^2
   */
  public record Mean(
      int runs, double meanRelativeError, double worstRelativeError, double meanR2) {}

  /** The predicted runs, in table order. */
  public List<CurvePrediction> predicted() {
    return runs.stream().filter(CurvePrediction::predicted).toList();
  }

  /** The prediction of {@code run}, or null when it was neither trained on nor predicted. */
  public CurvePrediction run(String run) {
    return runs.stream().filter(r -> r.run().equals(run)).findFirst().orElse(null);
  }

  /** The mean over predicted runs (NaN errors when none has a logged loss). */
  public Mean mean() {
    List<CurveAccuracy> acc =
        predicted().stream().map(CurvePrediction::accuracy).filter(a -> a.points() > 0).toList();
    if (acc.isEmpty()) {
      return new Mean(0, Double.NaN, Double.NaN, Double.NaN);
    }
    double mean = 0;
    double worst = 0;
    double r2 = 0;
    for (CurveAccuracy a : acc) {
      mean += a.meanRelativeError();
      worst = Math.max(worst, a.worstRelativeError());
      r2 += a.r2();
    }
    return new Mean(acc.size(), mean / acc.size(), worst, r2 / acc.size());
  }
}
