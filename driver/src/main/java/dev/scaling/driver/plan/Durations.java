package dev.scaling.driver.plan;

import java.util.Locale;

/** Formats seconds the way people read them in progress lines: 45s, 3m05s, 2h10m. */
public final class Durations {
  private Durations() {}

  /** A short human duration; "?" for unknown (NaN, infinite or negative) values. */
  public static String format(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      return "?";
    }
    long s = Math.round(seconds);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }
}
