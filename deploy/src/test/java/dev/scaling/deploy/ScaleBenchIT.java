package dev.scaling.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale path end to end, small: {@code SweepMain bench --scale 300 --slots 16} in its own JVM
 * (the app jar and Spark's jars, as {@code ./sweep bench} runs it) starts a real standalone cluster
 * on 127.0.0.1 (4 Worker JVMs x 4 cores), trains 300 stand-in trials of about 0.1 s each through
 * the real task path, then runs again on the same OUT. Asserted, not timed: every trial committed
 * exactly once (300 commit files; the trials table, read back with DuckDB, has each id once, every
 * row marked as the stand-in's), the resume trained nothing and made at most {@link
 * #LISTINGS_BOUND} directory listings in the driver (the same bound at any trial count: not one per
 * trial), and the CSV has the nine scale figures.
 */
class ScaleBenchIT {
  static final int TRIALS = 300;
  static final int SLOTS = 16;

  /**
   * Listings the whole resume run may make in the driver: the commit folder, the folders around it,
   * the tables and the report (ScaleBench.LISTINGS_BOUND), independent of the trial count.
   */
  static final int LISTINGS_BOUND = 40;

  static final List<String> FIGURES =
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

  @Test
  void scale_everyTrialCommittedOnce_resumeListsBounded(@TempDir Path dir) throws Exception {
    assertTrue(
        Files.isRegularFile(LocalCluster.APP_JAR), "run after package: " + LocalCluster.APP_JAR);
    Path sparkCp = LocalCluster.ROOT.resolve("driver/target/spark-classpath.txt");
    assertTrue(Files.isRegularFile(sparkCp), "run after package: " + sparkCp);
    Path work = dir.resolve("work");
    Path results = dir.resolve("results");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(System.getProperty("it.spark.opens").trim().split("\\s+")));
    cmd.addAll(
        List.of(
            "-Xmx2g",
            "-Dai.djl.offline=true",
            "-Dlog4j2.configurationFile="
                + LocalCluster.ROOT.resolve("deploy/conf/log4j2.properties"),
            "-cp",
            LocalCluster.APP_JAR + File.pathSeparator + Files.readString(sparkCp).trim(),
            "dev.scaling.driver.SweepMain",
            "bench",
            "--scale",
            "" + TRIALS,
            "--slots",
            "" + SLOTS,
            "--stand-in-seconds",
            "0.1",
            "--scale-dir",
            work.toString(),
            "--results-dir",
            results.toString(),
            "--no-render"));
    Path log = dir.resolve("bench.log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(LocalCluster.ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("DJL_OFFLINE", "true");
    Process p = pb.start();
    boolean done = p.waitFor(15, TimeUnit.MINUTES);
    if (!done) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(output);
    assertTrue(done, "the bench did not finish:\n" + output);
    assertEquals(0, p.exitValue(), output);

    JsonNode result = only(results, "-scale.json", output);
    assertEquals(1, result.size(), output);
    JsonNode r = result.get(0);
    assertEquals(TRIALS, r.get("trials").asInt());
    assertEquals(SLOTS, r.get("slots").asInt());
    assertEquals(4, r.get("executors").asInt(), "4 Workers, one executor each");
    assertEquals(TRIALS, r.get("trainedFirst").asInt());
    assertEquals(TRIALS, r.get("committed").asInt());
    assertEquals(TRIALS, r.get("commitFiles").asLong());
    assertEquals(0, r.get("resumeTrained").asInt(), "every commit present: nothing trains");
    long listings = r.get("resumeListings").asLong();
    assertTrue(
        listings >= 1 && listings <= LISTINGS_BOUND,
        "the resume listed " + listings + " times; bound " + LISTINGS_BOUND + " for any count");

    Path out = work.resolve(TRIALS + "x" + SLOTS).resolve("out");
    try (Stream<Path> commits = Files.list(out.resolve("commits"))) {
      assertEquals(TRIALS, commits.filter(f -> f.toString().endsWith(".json")).count());
    }
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*), count(DISTINCT trial_id),"
                    + " count(*) FILTER (WHERE trainer = 'stand-in'),"
                    + " count(*) FILTER (WHERE device = 'stand-in (bench, not trained)'),"
                    + " count(*) FILTER (WHERE status = 'finished') FROM read_parquet('"
                    + out.resolve("trials")
                    + "/*.parquet')")) {
      assertTrue(rs.next());
      assertEquals(TRIALS, rs.getLong(1), "rows");
      assertEquals(TRIALS, rs.getLong(2), "distinct trial ids");
      assertEquals(TRIALS, rs.getLong(3), "rows marked trainer = stand-in");
      assertEquals(TRIALS, rs.getLong(4), "rows with the stand-in's device");
      assertEquals(TRIALS, rs.getLong(5), "finished rows");
    }

    Path csv = onlyFile(results, "-scale.csv", output);
    List<String> lines = Files.readAllLines(csv);
    for (String figure : FIGURES) {
      assertEquals(
          1,
          lines.stream()
              .filter(l -> l.startsWith("scale," + TRIALS + "x" + SLOTS + " " + figure + ","))
              .count(),
          figure + " in " + lines);
    }
  }

  private static Path onlyFile(Path dir, String suffix, String output) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> found = files.filter(f -> f.toString().endsWith(suffix)).toList();
      assertEquals(1, found.size(), "one *" + suffix + " in " + dir + ":\n" + output);
      return found.get(0);
    }
  }

  private static JsonNode only(Path dir, String suffix, String output) throws Exception {
    return new ObjectMapper().readTree(onlyFile(dir, suffix, output).toFile());
  }
}
