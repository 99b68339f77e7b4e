package dev.scaling.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.driver.bench.BenchReport.Row;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoiseScaleBenchTest {
  @Test
  void run_withoutTheQuickstartSpecAddsAVisibleSkippedRow(@TempDir Path dir) {
    List<Row> rows = new ArrayList<>();
    assertNull(
        new NoiseScaleBench(true, dir, new PrintStream(PrintStream.nullOutputStream())).run(rows));
    assertEquals(1, rows.size());
    Row row = rows.get(0);
    assertEquals("noise", row.section());
    assertEquals("SKIPPED", row.verdict());
    assertTrue(row.note().contains(dir.resolve("quickstart.yaml").toString()), row.note());
  }
}
