package dev.scaling.common.fit;

import java.util.Arrays;

/**
 * Quantiles of samples, one definition for the whole tool: bootstrap intervals, the median
 * evaluation noise of a sweep, and the bench's medians of timings all read the same type-7 (linear
 * interpolation, Hyndman and Fan 1996) quantile, so a median is the mean of the middle two values
 * of an even count everywhere.
 */
public final class Quantiles {
  private Quantiles() {}

  /**
   * The type-7 quantile of values already sorted ascending.
   *
   * @param sorted at least one value, ascending
   * @param q the probability, in [0, 1]
   * @throws IllegalArgumentException when {@code sorted} is empty or {@code q} is outside [0, 1]
   */
  public static double quantile(double[] sorted, double q) {
    if (sorted.length == 0 || !(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException(
          "quantile needs values and q in [0, 1], found " + sorted.length + " values and q = " + q);
    }
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /**
   * The percentile interval of the finite values of {@code draws} at {@code level} (its ends the
   * type-7 quantiles at (1 - level) / 2 and (1 + level) / 2): the bootstrap interval of every fit;
   * null when no value is finite. {@code draws} is not changed.
   */
  public static Interval percentile(double[] draws, double level) {
    double[] v = Arrays.stream(draws).filter(Double::isFinite).sorted().toArray();
    if (v.length == 0) {
      return null;
    }
    double lo = (1 - level) / 2;
    return new Interval(quantile(v, lo), quantile(v, 1 - lo));
  }

  /**
   * The median of {@code values} in any order (not modified): the middle value, or the mean of the
   * middle two of an even count.
   *
   * @throws IllegalArgumentException when {@code values} is empty
   */
  public static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return quantile(sorted, 0.5);
  }
}
