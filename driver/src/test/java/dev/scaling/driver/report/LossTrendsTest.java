package dev.scaling.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.fit.ScalingPoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LossTrendsTest {

  /**
   * A 3 x 3 grid of L = 2 + 1/ln N + 4/ln D with one point raised above its smaller-N neighbour.
   */
  private static List<ScalingPoint> grid(double raise) {
    List<ScalingPoint> points = new ArrayList<>();
    for (double n : new double[] {1e4, 1e5, 1e6}) {
      for (double d : new double[] {1e5, 1e6, 1e7}) {
        double loss = 2 + 1 / Math.log(n) + 4 / Math.log(d);
        if (n == 1e6 && d == 1e5) {
          loss += raise;
        }
        points.add(new ScalingPoint(n, d, loss));
      }
    }
    return points;
  }

  @Test
  void of_countsStepsResolvedBeyondTheNoise() {
    // Along N at fixed D each step falls by 1/ln(1e4) - 1/ln(1e5) = 0.0217 then 0.0145.
    double smallestN = 1 / Math.log(1e5) - 1 / Math.log(1e6);
    List<LossTrends> trends = LossTrends.of(grid(0), 0.01);
    LossTrends alongN = trends.get(0);
    assertEquals("N", alongN.axis());
    assertEquals(6, alongN.steps());
    assertEquals(6, alongN.resolved());
    assertEquals(0, alongN.rises());
    assertEquals(smallestN, alongN.smallestDrop(), 1e-12);
    assertTrue(alongN.allResolved());
    // With noise 0.016 the 0.0145 steps are below it and are not resolved.
    assertEquals(3, LossTrends.of(grid(0), 0.016).get(0).resolved());
    LossTrends alongD = trends.get(1);
    assertEquals(6, alongD.steps());
    assertEquals(4 / Math.log(1e6) - 4 / Math.log(1e7), alongD.smallestDrop(), 1e-12);
  }

  @Test
  void of_reportsARiseAndWhereItIs() {
    LossTrends alongN = LossTrends.of(grid(0.05), 0.001).get(0);
    assertEquals(1, alongN.rises());
    assertFalse(alongN.allResolved());
    double expected = (1 / Math.log(1e5) - 1 / Math.log(1e6)) - 0.05;
    assertEquals(expected, alongN.smallestDrop(), 1e-12);
    assertTrue(alongN.worst().startsWith("D=1.00e+05: N 1.00e+05 -> 1.00e+06"), alongN.worst());
    assertTrue(alongN.sentence(0.001).contains("1 rise"), alongN.sentence(0.001));
  }
}
