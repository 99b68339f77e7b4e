package dev.scaling.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.driver.bench.BenchReport.Row;
import dev.scaling.driver.bench.BenchReport.ScheduleResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduleBenchTest {
  static final long BASE_MS = 1_700_000_000_000L;

  /** A commit file whose trial ran from {@code start} to {@code end} seconds after BASE_MS. */
  private static void commit(Path commits, String id, double start, double end) throws Exception {
    Path f =
        Files.writeString(
            commits.resolve(id + ".json"),
            "{\"result\": {\"wallSeconds\": " + (end - start) + "}}");
    Files.setLastModifiedTime(f, FileTime.fromMillis(BASE_MS + Math.round(end * 1000)));
  }

  @Test
  void run_measuresMakespanBoundAndGapsFromCommitTimes(@TempDir Path out) throws Exception {
    Path commits = Files.createDirectories(out.resolve("commits"));
    // Two slots: [0,10] then [10.1,20] on one, [0,5] then [5.1,12] on the other.
    commit(commits, "a", 0, 10);
    commit(commits, "b", 0, 5);
    commit(commits, "c", 5.1, 12);
    commit(commits, "d", 10.1, 20);
    List<Row> rows = new ArrayList<>();

    ScheduleResult r = new ScheduleBench(out, null).run(rows);

    assertEquals(4, r.trials());
    assertEquals(2, r.slots(), "the largest overlap of the trials");
    double sum = 10 + 5 + 6.9 + 9.9;
    assertEquals(sum, r.sumTrialSeconds(), 1e-6);
    assertEquals(10, r.longestTrialSeconds(), 1e-6);
    assertEquals(20, r.makespanSeconds(), 1e-6);
    assertEquals(Math.max(sum / 2, 10), r.lowerBoundSeconds(), 1e-6);
    assertEquals(0.1, r.meanGapSeconds(), 1e-6, "0.1 s idle before each slot's second trial");
    assertEquals(sum / 4, r.meanTrialSeconds(), 1e-6);
    assertEquals(2, rows.size());
    assertEquals("MISSES", rows.get(0).verdict(), "20 s against a 15.9 s bound is above 1.08x");
    assertEquals("1.26x", rows.get(0).ratio());
    assertTrue(rows.get(1).verdict().equals("MISSES"), "0.1 s of 7.95 s is above 1%");
  }

  @Test
  void run_withoutCommitsSaysHowToGetThem(@TempDir Path out) {
    List<Row> rows = new ArrayList<>();
    assertNull(new ScheduleBench(out, 3).run(rows));
    assertEquals("SKIPPED", rows.get(0).verdict());
    assertTrue(
        rows.get(0).note().contains("./sweep run examples/quickstart.yaml"), rows.get(0).note());
  }

  @Test
  void maxOverlap_countsTheLanesTheSpansNeed() {
    // [0,10] [0,5] [5,12] [10,20]: a span ending where another starts frees its lane, so 2 lanes.
    List<double[]> spans =
        List.of(
            new double[] {0, 10}, new double[] {0, 5}, new double[] {5, 12}, new double[] {10, 20});
    assertEquals(2, ScheduleBench.maxOverlap(spans));
  }
}
