package dev.scaling.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.fit.ScalingPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class FitBenchTest {
  @Test
  void fitTable_isDeterministic240RowsNearTheTruth() {
    List<ScalingPoint> a = FitBench.fitTable();
    List<ScalingPoint> b = FitBench.fitTable();
    assertEquals(240, a.size());
    assertEquals(a, b);
    for (ScalingPoint p : a) {
      double truth = FitBench.TRUTH.predict(p.n(), p.d());
      assertTrue(Math.abs(Math.log(p.loss() / truth)) < 0.06, "noise is about 1%");
    }
  }
}
