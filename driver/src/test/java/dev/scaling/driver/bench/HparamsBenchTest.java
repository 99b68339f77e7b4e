package dev.scaling.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.hparams.HparamsFitter;
import dev.scaling.common.hparams.HparamsRun;
import dev.scaling.driver.bench.BenchReport.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

class HparamsBenchTest {
  @Test
  void table_has100RunsIn10IdentifiableCells() {
    List<HparamsRun> runs = HparamsBench.table();
    assertEquals(100, runs.size());
    assertEquals(10, runs.stream().map(r -> List.of(r.n(), r.d())).distinct().count());
    assertNull(HparamsFitter.tooFewCells(runs));
  }

  @Test
  void row_namesTheWorkAndGivesAVerdict() {
    Row row = HparamsBench.row();
    assertEquals("fit", row.section());
    assertEquals("hparams fit: 100 runs, 10 cells, 1000 resamples seconds", row.item());
    assertTrue(List.of("MEETS", "MISSES").contains(row.verdict()), row.verdict());
    assertEquals("< 2 s", row.target());
  }
}
