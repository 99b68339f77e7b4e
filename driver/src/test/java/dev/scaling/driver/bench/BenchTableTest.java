package dev.scaling.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.driver.bench.BenchReport.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchTableTest {
  @Test
  void toCsv_quotesCommasAndQuotes_toTableListsNotes() {
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
