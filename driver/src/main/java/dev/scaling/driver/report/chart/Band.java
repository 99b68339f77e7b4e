package dev.scaling.driver.report.chart;

import java.util.Arrays;

/**
 * A shaded interval around a fitted law or frontier (e.g. the bootstrap's 95% band): for each x,
 * the lower and upper y. {@code series} names the series it belongs to, so the legend toggles both.
 */
public record Band(String series, double[] x, double[] lo, double[] hi) {
  public Band {
    if (series == null || series.isBlank()) {
      throw new IllegalArgumentException("band must name its series, found " + series);
    }
    if (x.length != lo.length || x.length != hi.length) {
      throw new IllegalArgumentException(
          "band "
              + series
              + " must have as many lower and upper values as x values ("
              + x.length
              + "), found "
              + lo.length
              + " and "
              + hi.length);
    }
    x = x.clone();
    lo = lo.clone();
    hi = hi.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Band b
        && series.equals(b.series)
        && Arrays.equals(x, b.x)
        && Arrays.equals(lo, b.lo)
        && Arrays.equals(hi, b.hi);
  }

  @Override
  public int hashCode() {
    return 31 * series.hashCode() + Arrays.hashCode(x);
  }

  @Override
  public String toString() {
    return "Band[" + series + ", " + x.length + " points]";
  }
}
