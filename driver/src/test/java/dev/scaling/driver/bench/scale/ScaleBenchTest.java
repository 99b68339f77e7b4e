package dev.scaling.driver.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scaling.driver.bench.BenchReport.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scale bench's CSV rows: one per figure, named as the issue has them, against the targets. */
class ScaleBenchTest {
  static ScaleResult result(double makespan, double heap, long listings, double render) {
    return new ScaleResult(
        10000, 256, 4, 1e9, 2, 78.1, 80, makespan, 12.5, 10, 2.5, heap, 1.5, 10000, 10000, 10000,
        30, 10, 0, 3.2, listings, 5, 9, 20, 420, 7, render, "n", 12, 40, 1000, 2000, 300, "/o");
  }

  @Test
  void rows_oneRowPerFigureWithVerdicts() {
    List<Row> rows = ScaleBench.rows(result(1.04, 2.5, 12, Double.NaN));
    List<String> names =
        List.of(
            "makespan_ratio",
            "overhead_ms_per_trial",
            "driver_heap_gb",
            "resume_s",
            "resume_listings",
            "json_kb",
            "render_s",
            "tables_s",
            "fit_s");
    assertEquals(names.size(), rows.size());
    for (int i = 0; i < names.size(); i++) {
      assertEquals("scale", rows.get(i).section());
      assertEquals("10000x256 " + names.get(i), rows.get(i).item());
    }
    assertEquals("1.04", rows.get(0).ours());
    assertEquals("PASS", rows.get(0).verdict());
    assertEquals("PASS", rows.get(1).verdict(), "12.5 ms < 20");
    assertEquals("MISS", rows.get(2).verdict(), "2.5 GB >= 2");
    assertEquals("12", rows.get(4).ours());
    assertEquals("PASS", rows.get(4).verdict());
    assertEquals("PASS", rows.get(5).verdict(), "420 kB < 500");
    assertEquals("n/a", rows.get(6).ours());
    assertEquals("n/a", rows.get(6).verdict());
    assertEquals("", rows.get(8).verdict(), "no target for the fit");
  }

  @Test
  void rows_listingsAboveTheBoundMiss() {
    List<Row> rows = ScaleBench.rows(result(1.2, 0.5, ScaleBench.LISTINGS_BOUND + 1, 0.4));
    assertEquals("MISS", rows.get(0).verdict());
    assertEquals("PASS", rows.get(2).verdict());
    assertEquals("MISS", rows.get(4).verdict());
    assertEquals("PASS", rows.get(6).verdict());
  }
}
