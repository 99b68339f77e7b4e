package dev.scaling.driver.report.chart;

/**
 * One point of a series: its coordinates, its one-sigma error in y ({@code NaN} for none, e.g. the
 * evaluation noise of a measured loss) and what hovering it shows ({@code null} for the x and y
 * alone).
 */
public record Point(double x, double y, double err, Tip tip) {
  public Point {
    if (!Double.isFinite(x) || !Double.isFinite(y)) {
      throw new IllegalArgumentException(
          "chart point must have finite coordinates, found (" + x + ", " + y + ")");
    }
  }

  /** A point with no error bar and no tooltip beyond its coordinates. */
  public static Point of(double x, double y) {
    return new Point(x, y, Double.NaN, null);
  }
}
