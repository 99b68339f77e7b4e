package dev.scaling.driver.report.paper;

import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.Quantiles;
import dev.scaling.common.fit.Regression;
import dev.scaling.driver.report.chart.Band;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A pure power law L = (X_c/X)^alpha, Kaplan et al.'s form for loss against compute, tokens or
 * parameters alone (their eqs. 1.1-1.3), fitted by least squares on log L against log X, with a
 * percentile bootstrap band over the points resampled with replacement.
 *
 * @param intercept c of log L = c + slope log X
 * @param slope -alpha
 * @param points points fitted
 */
public record PowerFit(double intercept, double slope, int points) {
  /** Fewest points with distinct X worth a fit: two determine the line exactly. */
  public static final int MIN_POINTS = 3;

  /**
   * Fewest points worth a bootstrap band: with 3 or 4, most resamples repeat a point and cannot be
   * refitted, and the few that can are the full fit again, so the band would be falsely narrow.
   */
  public static final int MIN_BAND_POINTS = 5;

  public PowerFit {
    if (!Double.isFinite(intercept) || !Double.isFinite(slope)) {
      throw new IllegalArgumentException(
          "a power fit needs a finite intercept and slope, found " + intercept + ", " + slope);
    }
  }

  /**
   * The least-squares fit of log y on log x; null with fewer than {@value #MIN_POINTS} distinct x
   * or a non-positive value.
   */
  public static PowerFit fit(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(
          "a power fit needs as many y as x (" + x.length + "), found " + y.length);
    }
    if (Arrays.stream(x).distinct().count() < MIN_POINTS
        || Arrays.stream(x).anyMatch(v -> !(v > 0))
        || Arrays.stream(y).anyMatch(v -> !(v > 0))) {
      return null;
    }
    double[] c = Regression.line(log(x), log(y));
    return c == null ? null : new PowerFit(c[0], c[1], x.length);
  }

  /** The exponent alpha of L = (X_c/X)^alpha. */
  public double alpha() {
    return -slope;
  }

  /** X_c of L = (X_c/X)^alpha; NaN when alpha is 0. */
  public double scale() {
    return slope == 0 ? Double.NaN : Math.exp(intercept / alpha());
  }

  /** The fitted L at {@code x}. */
  public double predict(double x) {
    return Math.exp(intercept + slope * Math.log(x));
  }

  /**
   * The percentile band of the fitted L at each of {@code grid}: the points resampled with
   * replacement {@code resamples} times from {@code seed}, each resample refitted (those with fewer
   * than {@value #MIN_POINTS} distinct x left out); null with no resamples or none fitted.
   */
  public static Band band(
      String series,
      double[] x,
      double[] y,
      double[] grid,
      int resamples,
      long seed,
      double level) {
    if (resamples <= 0 || x.length < MIN_BAND_POINTS) {
      return null;
    }
    SplittableRandom rng = new SplittableRandom(seed);
    int n = x.length;
    double[][] draws = new double[grid.length][resamples];
    int fitted = 0;
    double[] bx = new double[n];
    double[] by = new double[n];
    for (int r = 0; r < resamples; r++) {
      for (int k = 0; k < n; k++) {
        int i = rng.nextInt(n);
        bx[k] = x[i];
        by[k] = y[i];
      }
      PowerFit f = fit(bx, by);
      for (int g = 0; g < grid.length; g++) {
        draws[g][r] = f == null ? Double.NaN : f.predict(grid[g]);
      }
      fitted += f == null ? 0 : 1;
    }
    if (fitted == 0) {
      return null;
    }
    double[] lo = new double[grid.length];
    double[] hi = new double[grid.length];
    for (int g = 0; g < grid.length; g++) {
      Interval ci = Quantiles.percentile(draws[g], level);
      lo[g] = ci.lo();
      hi[g] = ci.hi();
    }
    return new Band(series, grid, lo, hi);
  }

  private static double[] log(double[] v) {
    return Arrays.stream(v).map(Math::log).toArray();
  }
}
