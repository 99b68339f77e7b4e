package dev.scaling.driver.report.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChartBudgetTest {
  private static Series line(String name, Style style, int points) {
    List<Point> pts = new ArrayList<>();
    for (int i = 0; i < points; i++) {
      pts.add(Point.of(i + 1, 10.0 / (i + 1)));
    }
    return new Series(name, style, pts);
  }

  private static Chart chart() {
    return Chart.of("curves", Axis.log("x"), Axis.log("y"));
  }

  @Test
  void of_leavesASmallChartAlone() {
    Chart c = chart().with(line("a", Style.POINTS, 100)).with(line("a", Style.LINE, 50));
    ChartBudget.Bounded b = ChartBudget.of(c);
    assertSame(c, b.chart());
    assertNull(b.note());
  }

  @Test
  void of_keepsEvenlySpacedSeriesAndEveryOtherStyle() {
    // 200 curves of 20 points and one frontier in another style, of 500 points.
    Chart c = chart();
    for (int i = 0; i < 200; i++) {
      c = c.with(line("trial " + i, Style.LINE, 20));
    }
    c = c.with(line("frontier", Style.DASHED, 500));
    ChartBudget.Bounded b = ChartBudget.of(c, 10, 400);
    List<String> names = b.chart().series().stream().map(Series::name).toList();
    // 9 of the 200 curves, evenly spaced (first and last kept), and the frontier.
    assertEquals(10, names.size(), names::toString);
    assertEquals("trial 0", names.get(0));
    assertEquals("trial 199", names.get(8));
    assertEquals("frontier", names.get(9));
    // Water-filling 400 points: the 9 curves (20 each, below a share of 40) whole, the frontier
    // the 220 left, evenly spaced with its first and last point.
    List<Point> frontier = b.chart().series().get(9).points();
    assertEquals(220, frontier.size());
    assertEquals(1, frontier.get(0).x());
    assertEquals(500, frontier.get(219).x());
    for (int i = 0; i < 9; i++) {
      assertEquals(20, b.chart().series().get(i).points().size());
    }
    assertEquals(
        "Showing 10 of 201 series (evenly spaced in the legend's order) and 400 of 680 points"
            + " (evenly spaced within each series) to keep the page light.",
        b.note());
  }

  @Test
  void of_thinsLargeSeriesToAboutTheBudget() {
    Chart c =
        chart()
            .with(line("measured", Style.POINTS, 10_000))
            .with(line("law", Style.LINE, 100))
            .with(line("other", Style.POINTS, 3_000));
    ChartBudget.Bounded b = ChartBudget.of(c, 60, 1200);
    List<Integer> sizes = b.chart().series().stream().map(s -> s.points().size()).toList();
    // The law (100, under a share of 400) whole; the other two share the 1100 left: 550 each.
    assertEquals(List.of(550, 100, 550), sizes);
    assertTrue(b.note().contains("1200 of 13100 points"), b.note());
  }

  @Test
  void div_saysWhatABoundedChartShows() {
    Chart c = chart().with(line("measured", Style.POINTS, ChartBudget.MAX_POINTS + 1));
    String html = ChartHtml.div(c);
    assertTrue(html.contains("<p class=\"chart-note\">Showing "), html.substring(0, 200));
    assertEquals(
        ChartBudget.MAX_POINTS, PageCharts.of(html).get(0).series().get(0).points().size());
  }
}
