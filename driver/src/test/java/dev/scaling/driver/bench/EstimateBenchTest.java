package dev.scaling.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.driver.bench.BenchReport.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EstimateBenchTest {
  @Test
  void row_readsEstimateAndActualFromOut(@TempDir Path out) throws Exception {
    Files.writeString(
        out.resolve("estimate.json"),
        "{\"estimate_seconds\": 120.0, \"actual_seconds\": 150.0, \"trials\": 36, \"slots\": 2,"
            + " \"provisional\": false}");
    Row r = EstimateBench.row(out);
    assertEquals("120.0", r.ours());
    assertEquals("150.0", r.reference());
    assertEquals("0.80", r.ratio());
    assertEquals("MEETS", r.verdict());
    Files.writeString(
        out.resolve("estimate.json"),
        "{\"estimate_seconds\": 4560.0, \"actual_seconds\": 150.0, \"trials\": 36, \"slots\": 2,"
            + " \"provisional\": true}");
    assertEquals("MISSES", EstimateBench.row(out).verdict());
  }

  @Test
  void row_isSkippedWithHowToWhenOutHasNoEstimate(@TempDir Path out) {
    Row r = EstimateBench.row(out);
    assertEquals("SKIPPED", r.verdict());
    assertTrue(r.note().contains("./sweep run examples/quickstart.yaml"), r.note());
  }
}
