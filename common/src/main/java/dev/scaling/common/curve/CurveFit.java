package dev.scaling.common.curve;

import dev.scaling.common.fit.Interval;
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

  /** The parameter vector (a copy). */
  @Override
  public double[] params() {
    return params.clone();
  }
}
