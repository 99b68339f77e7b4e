package dev.scaling.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.fit.AllocationStudy;
import dev.scaling.common.fit.ApproachKind;
import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.fit.LawForm;
import dev.scaling.common.fit.ScalingAnalysis;
import dev.scaling.common.fit.ScalingFitter;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.common.fit.StartGrid;
import dev.scaling.driver.fit.SweepFit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IsoflopQualitySectionTest {
  /**
   * Budget {@code c}: seven N at log10 N = 4 + 0.15 k (k = -3..3), D = C/(6N), loss 1 + 0.5 (0.15
   * k)^2 plus {@code bump} at k = 0.
   */
  private static List<ScalingPoint> budget(double c, double bump) {
    List<ScalingPoint> out = new ArrayList<>();
    for (int k = -3; k <= 3; k++) {
      double n = Math.pow(10, 4 + 0.15 * k);
      double dx = 0.15 * k;
      out.add(new ScalingPoint(n, c / (6 * n), 1 + 0.5 * dx * dx + (k == 0 ? bump : 0)));
    }
    return out;
  }

  private static AllocationStudy study() {
    List<ScalingPoint> pts = new ArrayList<>(budget(1e12, 0.009));
    pts.addAll(budget(8e12, 0.018));
    FitOptions o = FitOptions.defaults().withGrid(StartGrid.COARSE).withBootstrap(0, 7);
    ScalingAnalysis a = new ScalingFitter(o).analyse(pts, List.of(LawForm.CHINCHILLA));
    return AllocationStudy.run(a, null, List.of(ApproachKind.values()));
  }

  @Test
  void html_statesEachBudgetsWorstPointInNoiseAndItsVertex() {
    // A bump e at the middle of seven evenly spaced log N sits 2e/3 above the least-squares
    // parabola (hat value 1/3 there): 0.006 and 0.012 nats, 2.0 and 4.0 noises of 0.003.
    AllocationStudy s = study();
    SweepFacts facts = SweepFacts.builder().evalNoise(0.003, 1024).build();
    String html = IsoflopQualitySection.html(s, facts);
    assertTrue(html.startsWith("<h2>IsoFLOP profiles against the evaluation noise</h2>"), html);
    assertTrue(
        html.contains(
            "<tr><td>1.00e+12</td><td>7</td><td>10000</td><td>+0.0060</td><td>2.0</td><td>yes</td>"
                + "<td>10000</td><td>0.50</td><td>yes</td></tr>"),
        html);
    assertTrue(
        html.contains(
            "<tr><td>8.00e+12</td><td>7</td><td>10000</td><td>+0.0120</td><td>4.0</td>"
                + "<td><b>no</b></td>"),
        html);
    assertTrue(html.contains("<b>verdict: 1 of 2 budgets rough (C=8.00e+12 at 4.0x)"), html);
    String summary = SweepFit.summary(s.study().analysis(), s, List.of(), facts);
    assertTrue(summary.contains("4.0x the noise: rough"), summary);
  }

  @Test
  void html_isEmptyWithoutAMeasuredNoise() {
    assertEquals("", IsoflopQualitySection.html(study(), SweepFacts.builder().build()));
  }
}
