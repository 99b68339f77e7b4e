package dev.scaling.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.driver.report.chart.Chart;
import dev.scaling.driver.report.chart.PageCharts;
import dev.scaling.driver.report.chart.Point;
import dev.scaling.driver.report.chart.Scale;
import dev.scaling.driver.report.chart.Style;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportChartsTest {
  /** A branch of {@code trunk} at width {@code w} trained to {@code tokens}, forking at 80%. */
  private static TrialPoint branch(String id, String trunk, int w, long tokens, double loss) {
    long steps = tokens / 128;
    return new TrialPoint(
        id,
        new ScalingPoint(12.0 * w * w, tokens, loss),
        1.0,
        new TrialInfo(w, 1, 6e-3, 8, 128, 0.002, trunk, steps * 8 / 10));
  }

  /** Evaluated every 4 steps to the branch's end; losses fall with the step. */
  private static List<CurveSample> curve(TrialPoint b) {
    List<CurveSample> out = new ArrayList<>();
    long steps = (long) b.point().d() / 128;
    for (long s = 4; s <= steps; s += 4) {
      out.add(new CurveSample(b.trialId(), s, s * 128, 6e-3, 5.0 / s, 4.0 / Math.sqrt(s)));
    }
    return out;
  }

  @Test
  void trunks_drawEachTrunkToItsLastForkEachCooldownAndEachBranchEnd() {
    List<TrialPoint> rows =
        List.of(
            branch("a1", "ta", 8, 12800, 3.1),
            branch("a2", "ta", 8, 25600, 2.9),
            branch("b1", "tb", 16, 12800, 2.8),
            branch("b2", "tb", 16, 25600, 2.6));
    List<CurveSample> curves = new ArrayList<>();
    rows.forEach(r -> curves.addAll(curve(r)));
    Chart c = ReportCharts.trunks(rows, curves);
    assertEquals(Scale.LOG, c.x().scale());
    String a = "trunk w=8 d=1 lr=0.0060000";
    // The trunk follows a2 (the furthest fork, step 160) to its fork: steps 4, 8, ..., 160.
    List<Point> trunk = PageCharts.points(c, a, Style.LINE);
    assertEquals(40, trunk.size(), "trunk points to the last fork");
    assertEquals(160 * 128, trunk.get(trunk.size() - 1).x(), 0);
    assertEquals(4.0 / Math.sqrt(160), trunk.get(trunk.size() - 1).y(), 1e-12, "held-out loss");
    // Cooldowns from each fork (step 80 of a1, 160 of a2) to its end: 6 and 11 points.
    assertEquals(6 + 11, PageCharts.points(c, a, Style.DASHED).size());
    List<Point> ends = PageCharts.points(c, a, Style.POINTS);
    assertEquals(List.of(12800.0, 25600.0), ends.stream().map(Point::x).toList());
    assertEquals(List.of(3.1, 2.9), ends.stream().map(Point::y).toList());
    assertEquals(0.002, ends.get(0).err(), 0, "error bar of the evaluation noise");
    assertEquals("a1", ends.get(0).tip().title());
    assertEquals(2, PageCharts.points(c, "trunk w=16 d=1 lr=0.0060000", Style.POINTS).size());
  }

  @Test
  void learningCurves_haveALogStepAxisAndOneSeriesPerTrial() {
    TrialPoint a = branch("a1", "ta", 8, 12800, 3.1);
    TrialPoint b = branch("b1", "tb", 16, 25600, 2.8);
    List<CurveSample> curves = new ArrayList<>(curve(a));
    curves.addAll(curve(b));
    Chart c = ReportCharts.learningCurves(curves);
    assertEquals(Scale.LOG, c.x().scale());
    assertEquals(List.of("a1", "b1"), c.series().stream().map(s -> s.name()).toList());
    assertEquals(25, c.series().get(0).points().size());
    assertEquals(50, c.series().get(1).points().size());
  }

  @Test
  void compact_namesGroupsShortlyButExactlyEnough() {
    assertEquals("768", ReportCharts.compact(768));
    assertEquals("16384", ReportCharts.compact(16384));
    assertEquals("2e7", ReportCharts.compact(2e7));
    assertEquals("1.6e8", ReportCharts.compact(1.6e8));
    assertEquals("2.097e6", ReportCharts.compact(2097152));
    assertEquals("1e6", ReportCharts.compact(999_999.9));
    assertEquals("0.25", ReportCharts.compact(0.25));
    assertEquals("3.333", ReportCharts.compact(10 / 3.0));
  }

  @Test
  void design_aFilledGridIsAGridAndAFixedRatioIsNeither() {
    List<ScalingPoint> grid = new ArrayList<>();
    List<ScalingPoint> ratio = new ArrayList<>();
    for (double n : new double[] {1e4, 2e4, 4e4}) {
      ratio.add(new ScalingPoint(n, 20 * n, 3));
      for (double d : new double[] {1e6, 2e6, 4e6}) {
        grid.add(new ScalingPoint(n, d, 3));
      }
    }
    assertEquals(ReportDesign.GRID, ReportDesign.of(grid, null));
    assertEquals(ReportDesign.OTHER, ReportDesign.of(ratio, null));
    List<ScalingPoint> five =
        List.of(grid.get(0), grid.get(1), grid.get(3), grid.get(4), grid.get(8));
    assertEquals(ReportDesign.GRID, ReportDesign.of(five, null), "5 of 9 pairs still a grid");
    List<ScalingPoint> diagonal = List.of(grid.get(0), grid.get(4), grid.get(8));
    assertEquals(ReportDesign.OTHER, ReportDesign.of(diagonal, null), "3 of 9 is not");
  }
}
