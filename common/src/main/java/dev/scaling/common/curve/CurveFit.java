package dev.scaling.common.curve;

import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.Quantiles;
import java.util.Arrays;
import java.util.List;

/**
 * A fitted (or given) curve law: its parameters in natural units, their bootstrap intervals (empty
 * when not bootstrapped or given), the Huber objective at the optimum and what it was fitted on.
 * Predicts any curve, whatever its schedule.
 *
 * @param form the law
 * @param params parameter values, in the order of {@link CurveLaw#parameterNames()}
 * @param intervals one per parameter, or empty
 * @param objective the Huber objective on the training runs (NaN when given)
 * @param trainRuns the runs it was fitted on (empty when given)
 * @param points the logged losses it was fitted on
 * @param converged whether the optimiser met its tolerance
 * @param draws the bootstrap resamples' parameter vectors (empty when not bootstrapped), from which
 *     prediction intervals are taken
 */
public record CurveFit(
    CurveLawForm form,
    double[] params,
    List<Interval> intervals,
    double objective,
    List<String> trainRuns,
    int points,
    boolean converged,
    List<double[]> draws) {
  public CurveFit {
    if (params.length != form.law().dim()) {
      throw new IllegalArgumentException(
          form.label() + " has " + form.law().dim() + " parameters, found " + params.length);
    }
    if (!intervals.isEmpty() && intervals.size() != params.length) {
      throw new IllegalArgumentException(
          "one interval per parameter, found " + intervals.size() + " for " + params.length);
    }
    params = params.clone();
    intervals = List.copyOf(intervals);
    trainRuns = List.copyOf(trainRuns);
    draws = List.copyOf(draws);
  }

  /** Given parameters (a paper's table), evaluated without fitting. */
  public static CurveFit given(CurveLawForm form, double[] params) {
    return new CurveFit(form, params, List.of(), Double.NaN, List.of(), 0, true, List.of());
  }

  /** The law's loss at every row of {@code curve}. */
  public double[] predict(Curve curve) {
    CurveLaw law = form.law();
    double[] out = new double[curve.steps().length];
    law.predict(params, law.prepare(curve), out, null);
    return out;
  }

  /**
   * The percentile interval, at {@code confidence}, of the bootstrap draws' predictions of the loss
   * at row {@code row} of {@code curve} (type-7 quantiles at (1 - confidence) / 2 and (1 +
   * confidence) / 2, as the parameter intervals): the spread of the prediction over resamples of
   * the training runs. Draws whose prediction there is not finite are left out.
   *
   * @throws IllegalStateException when the fit has no draws (fitted without bootstrap, or given)
   * @throws IllegalArgumentException when {@code row} is outside the curve or {@code confidence}
   *     outside (0, 1), or no draw predicts a finite loss there
   */
  public Interval predictionInterval(Curve curve, int row, double confidence) {
    if (row < 0 || row >= curve.steps().length) {
      throw new IllegalArgumentException(
          "row must be in [0, " + curve.steps().length + ") for " + curve + ", found " + row);
    }
    Interval interval = predictionIntervals(curve, confidence)[row];
    if (interval == null) {
      throw new IllegalArgumentException(
          "no bootstrap draw predicts a finite loss at row " + row + " of " + curve);
    }
    return interval;
  }

  /**
   * {@link #predictionInterval} at every row of {@code curve} at once (one prediction per draw);
   * null at rows where no draw predicts a finite loss.
   */
  public Interval[] predictionIntervals(Curve curve, double confidence) {
    if (draws.isEmpty()) {
      throw new IllegalStateException(
          "no bootstrap draws to take a prediction interval from: fit with bootstrap > 0");
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), found " + confidence);
    }
    CurveLaw law = form.law();
    CurveLaw.Prepared prepared = law.prepare(curve);
    int rows = curve.steps().length;
    double[][] byRow = new double[rows][draws.size()];
    int[] count = new int[rows];
    double[] out = new double[rows];
    for (double[] d : draws) {
      boolean finite = true;
      for (double v : d) {
        finite &= Double.isFinite(v);
      }
      if (!finite) {
        continue;
      }
      law.predict(d, prepared, out, null);
      for (int r = 0; r < rows; r++) {
        if (Double.isFinite(out[r])) {
          byRow[r][count[r]++] = out[r];
        }
      }
    }
    Interval[] intervals = new Interval[rows];
    for (int r = 0; r < rows; r++) {
      intervals[r] = Quantiles.percentile(Arrays.copyOf(byRow[r], count[r]), confidence);
    }
    return intervals;
  }

  /** The parameter vector (a copy). */
  @Override
  public double[] params() {
    return params.clone();
  }
}
