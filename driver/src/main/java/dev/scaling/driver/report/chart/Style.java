package dev.scaling.driver.report.chart;

/** How a series is drawn: measured points, a fitted line, a dashed guide, or points joined. */
public enum Style {
  POINTS,
  LINE,
  DASHED,
  POINTS_LINE
}
