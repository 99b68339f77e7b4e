package dev.scaling.common.fit;

/** A closed interval [lo, hi], here a bootstrap percentile interval. */
public record Interval(double lo, double hi) {
  public Interval {
    if (Double.isNaN(lo) || Double.isNaN(hi) || lo > hi) {
      throw new IllegalArgumentException("interval needs lo <= hi, found [" + lo + ", " + hi + "]");
    }
  }

  /** Whether {@code x} lies inside, ends included. */
  public boolean contains(double x) {
    return x >= lo && x <= hi;
  }
}
