package dev.scaling.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.driver.bench.BenchReport.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
  @Test
  void fitTableIsDeterministic240RowsNearTheTruth() {
    List<ScalingPoint> a = FitBench.fitTable();
    List<ScalingPoint> b = FitBench.fitTable();
    assertEquals(240, a.size());
    assertEquals(a, b);
    for (ScalingPoint p : a) {
      double truth = FitBench.TRUTH.predict(p.n(), p.d());
      assertTrue(Math.abs(Math.log(p.loss() / truth)) < 0.06, "noise is about 1%");
    }
  }

  @Test
  void overlap() {
    // Two lanes: [0,10] [0,5] [5,12] [10,20]
    List<double[]> spans =
        List.of(
            new double[] {0, 10}, new double[] {0, 5}, new double[] {5, 12}, new double[] {10, 20});
    assertEquals(2, ScheduleBench.maxOverlap(spans));
  }

  @Test
  void csvQuotesCommasAndTableListsNotes() {
    List<Row> rows =
        List.of(new Row("fit", "a, b", "1", "2", "0.5x", ">= 10x", "MISSES", "why \"so\""));
    String csv = BenchTable.toCsv(rows);
    assertEquals(
        "section,case,ours,reference,ratio,target,verdict,note\n"
            + "fit,\"a, b\",1,2,0.5x,>= 10x,MISSES,\"why \"\"so\"\"\"\n",
        csv);
    assertTrue(BenchTable.toTable(rows).contains("[fit] a, b: why \"so\""));
  }
}
