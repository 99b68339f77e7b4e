package dev.scaling.driver.report.chart;

/** One line of a hover tooltip: a label and its formatted value, e.g. {@code N = 4.9e4}. */
public record Field(String label, String value) {
  public Field {
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("tooltip field label must be non-empty, found " + label);
    }
    if (value == null) {
      throw new IllegalArgumentException("tooltip field " + label + " must have a value");
    }
  }
}
