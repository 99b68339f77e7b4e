package dev.scaling.driver.report.chart;

/** One axis of a chart: its label (with units) and its scale. */
public record Axis(String label, Scale scale) {
  public Axis {
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("axis label must be non-empty, found " + label);
    }
    if (scale == null) {
      throw new IllegalArgumentException("axis scale must be given for " + label);
    }
  }

  /** A logarithmic axis. */
  public static Axis log(String label) {
    return new Axis(label, Scale.LOG);
  }

  /** A linear axis. */
  public static Axis linear(String label) {
    return new Axis(label, Scale.LINEAR);
  }
}
