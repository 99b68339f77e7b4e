package dev.scaling.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.curve.Curve;
import dev.scaling.common.curve.CurveAccuracy;
import dev.scaling.common.curve.CurveFit;
import dev.scaling.common.curve.CurveFitOptions;
import dev.scaling.common.curve.CurveLawForm;
import dev.scaling.common.fit.Interval;
import dev.scaling.driver.report.chart.Chart;
import dev.scaling.driver.report.chart.PageCharts;
import dev.scaling.driver.report.chart.Point;
import dev.scaling.driver.report.chart.Style;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurveReportWriterTest {
  @TempDir Path tmp;

  @Test
  void caveat_flagsAnIntervalSpanningMoreThanADecade() {
    assertEquals(
        "spans 3.0 decades: not pinned down by these runs",
        CurveReportWriter.caveat(new Interval(2, 2000)));
    assertNull(CurveReportWriter.caveat(new Interval(2, 19.9)));
    assertNull(CurveReportWriter.caveat(new Interval(-1, 100)), "not a positive interval");
    assertNull(CurveReportWriter.caveat(null));
  }

  @Test
  void write_pageHasTheErrorTableParametersWithCaveatsAndAChartPerRun() throws Exception {
    CurveLawForm form = CurveLawForm.ANNEALING;
    int dim = form.law().dim();
    double[] p = new double[dim];
    java.util.Arrays.fill(p, 1.0);
    List<Interval> ci = new java.util.ArrayList<>();
    for (int k = 0; k < dim; k++) {
      ci.add(k == 0 ? new Interval(0.01, 50) : new Interval(0.9, 1.1));
    }
    CurveFit fit = new CurveFit(form, p, ci, 1e-4, List.of("train-run"), 3, true, List.of());
    Curve train =
        new Curve(
            "train-run",
            new long[] {0, 10, 20, 30},
            new double[] {0, 1, 1, 1},
            new double[] {Double.NaN, 4.0, 3.5, 3.25});
    Curve other =
        new Curve(
            "other<run>",
            new long[] {0, 10, 20},
            new double[] {0, 1, 0.5},
            new double[] {Double.NaN, 4.0, 3.0});
    double[] pt = {Double.NaN, 4.04, 3.5, 3.25};
    double[] po = {Double.NaN, 4.0, 3.3};
    CurveEvaluation e =
        new CurveEvaluation(
            fit,
            false,
            "curves.csv",
            "loss",
            List.of(
                new CurvePrediction(
                    train, true, false, pt, null, null, CurveAccuracy.of(train, pt)),
                new CurvePrediction(
                    other, false, true, po, null, null, CurveAccuracy.of(other, po))),
            List.of("a note"));
    Path file =
        CurveReportWriter.write(
            e, CurveFitOptions.defaults(0, 1), tmp.resolve("report").resolve("curves.html"));
    String html = Files.readString(file);
    // other<run>: |4.0-4.0|/4 = 0, |3.3-3.0|/3 = 10%; mean 5%.
    assertTrue(html.contains("<td>5.000%</td><td>10.000%</td>"), html);
    assertTrue(html.contains("other&lt;run&gt;"), "names escaped");
    assertTrue(html.contains("spans 3.7 decades: not pinned down by these runs"), html);
    assertEquals(1, html.split("not pinned down", -1).length - 1, "only the wide interval");
    assertTrue(html.contains("a note"));
    assertTrue(html.contains("mean over 1 predicted runs"));
    List<Chart> charts = PageCharts.of(html);
    assertEquals(4, charts.size(), "two runs, the learning rates and the error chart");
    // train-run logged 3 losses (step 0 is NaN) and is predicted at the same 3 steps.
    Chart t = charts.get(0);
    assertTrue(t.title().startsWith("train-run (training run"), t.title());
    assertEquals(
        List.of(4.0, 3.5, 3.25),
        PageCharts.points(t, "logged loss", Style.POINTS).stream().map(Point::y).toList());
    assertEquals(3, PageCharts.points(t, "prediction (training run)", Style.LINE).size());
    // other<run>: relative errors (4.0-4.0)/4.0 = 0 and (3.3-3.0)/3.0 = 0.1 at steps 10 and 20.
    Chart err = PageCharts.titled(html, "Relative error");
    List<Point> re = PageCharts.points(err, "other<run>", Style.LINE);
    assertEquals(List.of(10.0, 20.0), re.stream().map(Point::x).toList());
    assertEquals(0.0, re.get(0).y(), 1e-12);
    assertEquals(0.1, re.get(1).y(), 1e-12);
  }
}
