package dev.scaling.driver.report.chart;

import java.util.ArrayList;
import java.util.List;

/**
 * A named series: measured points or a fitted curve; clicking its legend entry isolates it. Series
 * of one name share a colour and a legend entry: a group's measured points and its fitted line are
 * two series of the same name, toggled together (a {@link Band} of that name too).
 */
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

  /**
   * A series of the points {@code (x[i], y[i])} without error bars or tooltips, leaving out those
   * with a non-finite coordinate (a law undefined there).
   */
  public static Series of(String name, Style style, double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(
          "series "
              + name
              + " must have as many y values as x values ("
              + x.length
              + "), found "
              + y.length);
    }
    List<Point> pts = new ArrayList<>(x.length);
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
        pts.add(Point.of(x[i], y[i]));
      }
    }
    return new Series(name, style, pts);
  }

  /** As {@link #of(String, Style, double[], double[])} from lists. */
  public static Series of(String name, Style style, List<Double> x, List<Double> y) {
    return of(
        name,
        style,
        x.stream().mapToDouble(Double::doubleValue).toArray(),
        y.stream().mapToDouble(Double::doubleValue).toArray());
  }
}
