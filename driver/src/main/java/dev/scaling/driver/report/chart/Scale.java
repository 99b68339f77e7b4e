package dev.scaling.driver.report.chart;

/** How an axis maps values: linear, or logarithmic with labelled decade ticks. */
public enum Scale {
  LINEAR,
  LOG
}
