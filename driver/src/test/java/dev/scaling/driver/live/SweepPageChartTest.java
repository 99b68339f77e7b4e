package dev.scaling.driver.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.trial.Trial;
import dev.scaling.driver.report.chart.Chart;
import dev.scaling.driver.report.chart.PageCharts;
import dev.scaling.driver.report.chart.Point;
import dev.scaling.driver.report.chart.Scale;
import dev.scaling.driver.report.chart.Style;
import java.util.List;
import org.junit.jupiter.api.Test;

class SweepPageChartTest {
  @Test
  void chart_drawsEachTrialsLiveCurveWithTheReportsChartScript() {
    Trial t = SweepModelTest.PLAN.trials().get(0);
    SweepModel m = new SweepModel(SweepModelTest.PLAN, List.of(), "1s", 0);
    m.report(
        SweepModelTest.report(
            t,
            0,
            30,
            1_000,
            List.of(
                new LivePoint(10, 640, 3.0, Double.NaN),
                new LivePoint(20, 1280, 2.6, 2.5),
                new LivePoint(30, 1920, 2.4, Double.NaN))),
        1_100);
    String html = SweepPage.chart(m.snapshot().curves());
    assertTrue(html.startsWith("<script src=\"" + SweepPage.SCRIPT + "\"></script>"), html);
    assertTrue(html.contains("id=\"sweep-curves\""), "the id the browser test reads");
    List<Chart> charts = PageCharts.of(html);
    assertEquals(1, charts.size());
    Chart c = charts.get(0);
    assertEquals(Scale.LOG, c.x().scale());
    String name = t.trialId() + " (w=" + t.width() + ")";
    assertEquals(
        List.of(3.0, 2.6, 2.4),
        PageCharts.points(c, name, Style.LINE).stream().map(Point::y).toList(),
        "training losses against tokens");
    List<Point> eval = PageCharts.points(c, name, Style.POINTS);
    assertEquals(1, eval.size(), "the one evaluated step");
    assertEquals(1280, eval.get(0).x(), 0);
    assertEquals(t.trialId(), eval.get(0).tip().title(), "hovering names the trial");
  }
}
