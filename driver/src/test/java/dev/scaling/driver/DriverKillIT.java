package dev.scaling.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver of a running sweep is SIGKILLed after at least two trials were committed; running the
 * same command again trains only the missing trials, and the final table equals, trial for trial,
 * the one an uninterrupted run produces. Each sweep runs as its own JVM ({@code SweepMain} on Spark
 * local mode).
 */
class DriverKillIT {

  static final String SPEC =
      """
      name: killed
      seed: 5
      data:
        source: synthetic
        eval_tokens: 1024
        synthetic: {vocab: 32, order: 2, branching: 4, zipf: 1.0}
      model:
        context: 32
        head_size: 16
      grid:
        width: [16, 32]
        depth: [1]
        tokens: [32768, 65536, 98304]
      training:
        batch_size: 8
        learning_rate: 3.0e-3
        eval_interval: 64
      """;

  @Test
  void driverKill_rerunTrainsOnlyMissingTrialsAndMatchesAnUninterruptedRun(@TempDir Path dir)
      throws Exception {
    Path logs = Files.createDirectories(Path.of("target", "it-logs", "DriverKillIT"));
    Path spec = dir.resolve("killed.yaml");
    Files.writeString(spec, SPEC);
    Path out = dir.resolve("out");
    Path commits = out.resolve("commits");

    Process first = sweep(spec, out, logs.resolve("first.log"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (committed(commits) < 2) {
      assertTrue(
          first.isAlive(),
          () ->
              "the first run ended before it could be killed:\n" + log(logs.resolve("first.log")));
      assertTrue(System.nanoTime() < deadline, "no two commits within 240 s");
      Thread.sleep(50);
    }
    first.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
    assertTrue(first.waitFor(30, TimeUnit.SECONDS));
    int committedBeforeKill = committed(commits);
    assertTrue(
        committedBeforeKill >= 2 && committedBeforeKill < 6,
        "killed mid-sweep with " + committedBeforeKill + " of 6 trials committed");

    Process second = sweep(spec, out, logs.resolve("second.log"));
    assertTrue(second.waitFor(240, TimeUnit.SECONDS), "second run finished");
    assertEquals(0, second.exitValue(), () -> log(logs.resolve("second.log")));
    assertTrue(
        log(logs.resolve("second.log"))
            .contains(
                "Resuming: "
                    + committedBeforeKill
                    + " of 6 trial(s) already committed in OUT are skipped"),
        () -> log(logs.resolve("second.log")));

    Path fresh = dir.resolve("fresh");
    Process uninterrupted = sweep(spec, fresh, logs.resolve("fresh.log"));
    assertTrue(uninterrupted.waitFor(240, TimeUnit.SECONDS));
    assertEquals(0, uninterrupted.exitValue(), () -> log(logs.resolve("fresh.log")));

    Map<String, Row> resumed = table(out);
    Map<String, Row> reference = table(fresh);
    assertEquals(6, resumed.size(), "every trial exactly once");
    assertEquals(reference.keySet(), resumed.keySet(), "the same trials as an uninterrupted run");
    Map<String, Long> rowsPerRun = new TreeMap<>();
    resumed.values().forEach(r -> rowsPerRun.merge(r.runId, 1L, Long::sum));
    assertEquals(
        2, rowsPerRun.size(), "rows come from the killed run and the resumed run: " + rowsPerRun);
    assertTrue(
        rowsPerRun.containsValue((long) committedBeforeKill),
        "the killed run keeps its committed rows: " + rowsPerRun);
    assertTrue(
        rowsPerRun.containsValue(6L - committedBeforeKill),
        "the resumed run trains only the missing: " + rowsPerRun);
    for (String id : reference.keySet()) {
      Row a = resumed.get(id);
      Row b = reference.get(id);
      assertEquals(b.status, a.status, id);
      assertEquals(b.steps, a.steps, id);
      assertEquals(
          b.evalLoss,
          a.evalLoss,
          0.0,
          id + ": final eval loss of the resumed sweep vs the uninterrupted one (bit for bit)");
    }
    System.out.printf(
        "driver kill: %d of 6 committed before SIGKILL; after the rerun 0 lost, 0 duplicated, 0 committed trials retrained, %d missing trained%n",
        committedBeforeKill, 6 - committedBeforeKill);
  }

  record Row(String runId, String status, long steps, double evalLoss) {}

  static Map<String, Row> table(Path out) throws Exception {
    Map<String, Row> rows = new TreeMap<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT trial_id, run_id, status, steps, final_eval_loss FROM read_parquet('"
                    + out.resolve("trials")
                    + "/*.parquet')")) {
      while (rs.next()) {
        Row previous =
            rows.put(
                rs.getString(1),
                new Row(rs.getString(2), rs.getString(3), rs.getLong(4), rs.getDouble(5)));
        assertEquals(null, previous, "duplicate row for trial " + rs.getString(1));
      }
    }
    return rows;
  }

  static int committed(Path commits) throws Exception {
    if (!Files.isDirectory(commits)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(commits)) {
      return (int)
          files
              .filter(
                  p ->
                      p.getFileName().toString().endsWith(".json")
                          && !p.getFileName().toString().startsWith("."))
              .count();
    }
  }

  /** {@code sweep run} in its own JVM on Spark local mode with one slot (trials in sequence). */
  static Process sweep(Path spec, Path out, Path log) throws Exception {
    return sweep(spec, out, log, "local[1]", List.of("--bootstrap", "50"));
  }

  /** {@code sweep run SPEC --out OUT} with {@code options} in its own JVM on {@code master}. */
  static Process sweep(Path spec, Path out, Path log, String master, List<String> options)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(System.getProperty("sweep.test.jvmArgs", "").split(" ")).stream()
            .filter(s -> !s.isBlank())
            .toList());
    cmd.addAll(
        List.of(
            "-Xmx1g",
            "-Dspark.master=" + master,
            "-Dspark.ui.enabled=false",
            "-Dai.djl.offline=true",
            "-cp",
            System.getProperty("java.class.path"),
            SweepMain.class.getName(),
            "run",
            spec.toString(),
            "--out",
            out.toString()));
    cmd.addAll(options);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  static String log(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }

  static {
    // Fail fast with a clear message when run outside Maven, where the JVM flags are not passed on.
    assertTrue(new File(System.getProperty("java.home")).isDirectory());
  }
}
