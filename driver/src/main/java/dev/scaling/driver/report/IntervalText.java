package dev.scaling.driver.report;

import dev.scaling.common.fit.FitResult;
import dev.scaling.common.fit.Interval;

/**
 * How a fitted parameter's interval is shown, so no reader mistakes a degenerate interval for
 * certainty: a parameter at a bound of its law says so instead of showing an interval, and an
 * interval of zero width (every resample gave the same value) says that instead.
 */
public final class IntervalText {
  private IntervalText() {}

  /**
   * Why {@code ci} of parameter {@code name} of {@code fit} is not shown as an interval, or null
   * when it is an ordinary interval (or there is none).
   */
  public static String caveat(FitResult fit, String name, Interval ci) {
    if (fit.atBound().contains(name)) {
      String bound =
          fit.form().law().exponents().contains(name)
              ? name + " <= 0"
              : fit.params().named().getOrDefault(name, 0.0) > 1
                  ? name + " -> infinity"
                  : name + " = 0";
      return "at bound (" + bound + "): not identified by these data";
    }
    if (ci != null && zeroWidth(ci)) {
      return "zero width: every resample gave the same value, so its uncertainty is unmeasured";
    }
    return null;
  }

  /** Whether {@code ci} has no width beyond rounding. */
  public static boolean zeroWidth(Interval ci) {
    double scale = Math.max(Math.abs(ci.lo()), Math.abs(ci.hi()));
    return ci.hi() - ci.lo() <= 1e-9 * scale;
  }
}
