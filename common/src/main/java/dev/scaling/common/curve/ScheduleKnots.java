package dev.scaling.common.curve;

import dev.scaling.common.schedule.LearningRateSchedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The learning-rate schedule a run followed, as the few knots of step and rate a {@link Curve}
 * needs: a row at step 0 with rate 0 (nothing trained yet), then the rate of update k at step k
 * (the rate {@link LearningRateSchedule#at} gives update k-1, as a curves table logs it: "the
 * learning rate used for the last step"), keeping only the steps where linear interpolation between
 * the kept knots would miss the schedule by more than a tolerance. A warmup from 0, a constant
 * stretch and a cooldown of a wsd run take a handful of knots instead of one row per step, which
 * keeps a curve law's evaluation cheap (its cost grows with the knots before each logged row).
 *
 * <p>Greedy and exact: from each kept knot the segment is extended as long as a straight line from
 * that knot to the candidate end passes within the tolerance of every step between them (the cone
 * of feasible slopes is narrowed step by step, so the whole schedule costs one pass).
 */
public final class ScheduleKnots {
  /** The default tolerance, as a share of the schedule's peak rate. */
  public static final double DEFAULT_TOLERANCE = 1e-4;

  private ScheduleKnots() {}

  /**
   * The knots of {@code schedule} over steps 0 to {@code lastStep} (at most its {@link
   * LearningRateSchedule#steps()}), with linear interpolation within {@code tolerance} x the peak
   * rate of the schedule over those steps.
   *
   * @return strictly increasing steps from 0 to {@code lastStep} and the rate at each
   */
  public static Knots of(LearningRateSchedule schedule, long lastStep, double tolerance) {
    if (lastStep < 1 || lastStep > schedule.steps()) {
      throw new IllegalArgumentException(
          "last step must be in [1, " + schedule.steps() + "], found " + lastStep);
    }
    if (!(tolerance >= 0) || !Double.isFinite(tolerance)) {
      throw new IllegalArgumentException("tolerance must be >= 0, found " + tolerance);
    }
    int n = Math.toIntExact(lastStep + 1);
    double[] rate = new double[n];
    double peak = 0;
    for (int k = 1; k < n; k++) {
      rate[k] = schedule.at(k - 1);
      peak = Math.max(peak, rate[k]);
    }
    double tol = tolerance * peak;
    List<Long> steps = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    int anchor = 0;
    steps.add(0L);
    values.add(rate[0]);
    while (anchor < n - 1) {
      // Slopes from the anchor that stay within tol of every step passed so far.
      double lo = Double.NEGATIVE_INFINITY;
      double hi = Double.POSITIVE_INFINITY;
      int end = anchor + 1;
      for (int k = anchor + 1; k < n; k++) {
        double slope = (rate[k] - rate[anchor]) / (k - anchor);
        if (slope < lo - 1e-300 || slope > hi + 1e-300) {
          break; // the line to k misses an earlier step: the segment ends at the step before
        }
        end = k;
        lo = Math.max(lo, (rate[k] - tol - rate[anchor]) / (k - anchor));
        hi = Math.min(hi, (rate[k] + tol - rate[anchor]) / (k - anchor));
      }
      anchor = end;
      steps.add((long) anchor);
      values.add(rate[anchor]);
    }
    return new Knots(
        steps.stream().mapToLong(Long::longValue).toArray(),
        values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** The knots with the {@link #DEFAULT_TOLERANCE}. */
  public static Knots of(LearningRateSchedule schedule, long lastStep) {
    return of(schedule, lastStep, DEFAULT_TOLERANCE);
  }

  /**
   * Knots of a schedule: steps and the rate at each, linear between.
   *
   * @param steps strictly increasing, from 0
   * @param lr the rate at each knot
   */
  public record Knots(long[] steps, double[] lr) {
    public Knots {
      if (steps.length != lr.length || steps.length < 2) {
        throw new IllegalArgumentException(
            "knots need at least two steps and one rate each, found "
                + steps.length
                + " and "
                + lr.length);
      }
      steps = steps.clone();
      lr = lr.clone();
    }

    /** The rate at {@code step}, linear between knots (the last knot's rate beyond it). */
    public double at(long step) {
      int i = Arrays.binarySearch(steps, step);
      if (i >= 0) {
        return lr[i];
      }
      int hi = -i - 1;
      if (hi >= steps.length) {
        return lr[lr.length - 1];
      }
      int lo = hi - 1;
      double f = (double) (step - steps[lo]) / (steps[hi] - steps[lo]);
      return lr[lo] + f * (lr[hi] - lr[lo]);
    }

    /**
     * A {@link Curve} over these knots plus a row at each logged step with its loss (rates at the
     * logged steps interpolated, so the curve's schedule is exactly these knots); knots without a
     * logged loss carry NaN.
     *
     * @param run the curve's name
     * @param loggedSteps steps with a loss, within the knots' range, in any order
     * @param losses the loss at each logged step
     */
    public Curve curve(String run, long[] loggedSteps, double[] losses) {
      if (loggedSteps.length != losses.length) {
        throw new IllegalArgumentException(
            "one loss per logged step, found " + loggedSteps.length + " and " + losses.length);
      }
      java.util.TreeMap<Long, Double> rows = new java.util.TreeMap<>();
      for (long s : steps) {
        rows.put(s, Double.NaN);
      }
      long last = steps[steps.length - 1];
      for (int i = 0; i < loggedSteps.length; i++) {
        if (loggedSteps[i] < 0 || loggedSteps[i] > last) {
          throw new IllegalArgumentException(
              "logged step " + loggedSteps[i] + " outside the schedule's steps 0.." + last);
        }
        rows.put(loggedSteps[i], losses[i]);
      }
      long[] s = new long[rows.size()];
      double[] r = new double[rows.size()];
      double[] l = new double[rows.size()];
      int i = 0;
      for (var e : rows.entrySet()) {
        s[i] = e.getKey();
        r[i] = at(e.getKey());
        l[i] = e.getValue();
        i++;
      }
      return new Curve(run, s, r, l);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Knots k && Arrays.equals(steps, k.steps) && Arrays.equals(lr, k.lr);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(steps) * 31 + Arrays.hashCode(lr);
    }

    @Override
    public String toString() {
      return "Knots" + Arrays.toString(steps);
    }
  }
}
