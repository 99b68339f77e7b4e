package dev.scaling.driver.report.chart;

import java.util.List;

/** A named series: measured points or a fitted curve; clicking its legend entry isolates it. */
public record Series(String name, Style style, List<Point> points) {
  public Series {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("series name must be non-empty, found " + name);
    }
    if (style == null) {
      throw new IllegalArgumentException("series " + name + " must have a style");
    }
    points = List.copyOf(points);
  }
}
