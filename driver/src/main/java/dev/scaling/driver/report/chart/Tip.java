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
}
