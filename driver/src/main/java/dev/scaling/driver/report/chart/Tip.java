package dev.scaling.driver.report.chart;

import java.util.List;

/**
 * What hovering a point shows: a title (a trial's id for a measured point) and its fields (width,
 * depth, N, D, lr, batch, loss with its evaluation noise, ...).
 */
public record Tip(String title, List<Field> fields) {
  public Tip {
    if (title == null || title.isBlank()) {
      throw new IllegalArgumentException("tooltip title must be non-empty, found " + title);
    }
    fields = List.copyOf(fields);
  }

  /** A tip of a title and fields given as label, value, label, value, ... */
  public static Tip of(String title, String... labelsAndValues) {
    if (labelsAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "tooltip "
              + title
              + " must have a value for every label, found "
              + labelsAndValues.length
              + " strings");
    }
    java.util.List<Field> f = new java.util.ArrayList<>();
    for (int i = 0; i < labelsAndValues.length; i += 2) {
      f.add(new Field(labelsAndValues[i], labelsAndValues[i + 1]));
    }
    return new Tip(title, f);
  }
}
