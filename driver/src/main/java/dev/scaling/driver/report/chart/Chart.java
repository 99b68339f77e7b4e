package dev.scaling.driver.report.chart;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;

/**
 * One interactive chart: a title, two axes, series and shaded bands. Sections build it in Java and
 * {@link ChartHtml#div} writes it into the page, where the shared glue script draws it (hover shows
 * a point's {@link Tip}, clicking a legend entry isolates a series, and the chart saves as PNG, SVG
 * and its data as CSV).
 */
public record Chart(String title, Axis x, Axis y, List<Series> series, List<Band> bands) {
  public Chart {
    if (title == null || title.isBlank()) {
      throw new IllegalArgumentException("chart title must be non-empty, found " + title);
    }
    if (x == null || y == null) {
      throw new IllegalArgumentException("chart " + title + " must have both axes");
    }
    series = List.copyOf(series);
    bands = List.copyOf(bands);
  }

  /** An empty chart to add series and bands to. */
  public static Chart of(String title, Axis x, Axis y) {
    return new Chart(title, x, y, List.of(), List.of());
  }

  /** This chart with one more series. */
  public Chart with(Series s) {
    List<Series> all = new ArrayList<>(series);
    all.add(s);
    return new Chart(title, x, y, all, bands);
  }

  /** This chart with one more band. */
  public Chart with(Band b) {
    List<Band> all = new ArrayList<>(bands);
    all.add(b);
    return new Chart(title, x, y, series, all);
  }

  /** Whether the chart has anything to draw (not part of its JSON). */
  @JsonIgnore
  public boolean isEmpty() {
    return series.stream().allMatch(s -> s.points().isEmpty());
  }
}
