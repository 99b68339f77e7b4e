package dev.scaling.driver.power;

import dev.scaling.common.fit.Interval;

/**
 * What K simulated fits say about one quantity: its assumed true value, the mean estimate, the bias
 * and the expected 95% interval (the 2.5 to 97.5 percentile range of the K estimates, which is what
 * a bootstrap interval of one real run approximates).
 *
 * @param quantity the quantity
 * @param truth its value under the assumed law
 * @param mean mean of the finite estimates
 * @param interval 2.5 to 97.5 percentiles of the finite estimates; null when there are none
 * @param estimates simulations that gave a finite estimate
 * @param boundOrFailedShare share of all simulations whose fit failed or ended with a parameter
 *     this quantity depends on at a bound
 */
public record QuantityPower(
    Quantity quantity,
    double truth,
    double mean,
    Interval interval,
    int estimates,
    double boundOrFailedShare) {

  /** mean - truth. */
  public double bias() {
    return mean - truth;
  }

  /** (mean - truth) / truth. */
  public double relativeBias() {
    return bias() / truth;
  }

  /** Width of the expected 95% interval, hi - lo. */
  public double width() {
    return interval == null ? Double.NaN : interval.hi() - interval.lo();
  }

  /** hi / lo of the interval: the width as a factor, for a positive scale such as N_opt. */
  public double factor() {
    return interval == null ? Double.NaN : interval.hi() / interval.lo();
  }
}
