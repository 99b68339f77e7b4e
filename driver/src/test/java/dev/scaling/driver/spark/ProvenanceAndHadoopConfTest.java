package dev.scaling.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.RunCommand;
import dev.scaling.driver.sweep.RunOutcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny sweep whose spec and OUT live on a scheme only {@code spark.hadoop.fs.sweeptest.impl}
 * makes reachable (so the driver must use the Spark conf's Hadoop settings, like the executors),
 * whose trials table carries the provenance of this JVM, and whose resume warns about commits of
 * another version.
 */
class ProvenanceAndHadoopConfTest {
  static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("ProvenanceAndHadoopConfTest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config(
                "spark.hadoop.fs." + SchemeTestFileSystem.SCHEME + ".impl",
                SchemeTestFileSystem.class.getName())
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  static final String SPEC =
      """
      name: prov
      seed: 5
      data:
        source: synthetic
        eval_tokens: 512
        synthetic: {vocab: 16, order: 1, branching: 4, zipf: 1.0}
      model: {context: 16, head_size: 16}
      grid: {width: [16], depth: [1], tokens: [2048]}
      training: {batch_size: 8, learning_rate: 3.0e-3, eval_interval: 8}
      """;

  @Test
  void run_onASchemeKnownOnlyToTheSparkConf_recordsProvenanceAndWarnsAboutOtherVersions(
      @TempDir Path dir) throws Exception {
    Path spec = dir.resolve("prov.yaml");
    Files.writeString(spec, SPEC);
    Path out = dir.resolve("out");
    String scheme = SchemeTestFileSystem.SCHEME + "://";

    RunOutcome first = RunCommand.run(scheme + spec, "--out", scheme + out);

    assertEquals(1, first.count(TrialStatus.FINISHED), () -> first.outcomes().toString());
    assertTrue(first.outDir().startsWith(SchemeTestFileSystem.SCHEME + ":"), first.outDir());
    List<Path> commits;
    try (Stream<Path> s = Files.list(out.resolve("commits"))) {
      commits = s.filter(p -> p.getFileName().toString().endsWith(".json")).toList();
    }
    assertEquals(1, commits.size());

    String git = gitCommit();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT app_version, djl_version, libtorch_version, java_version, os_arch,"
                    + " intra_op_threads FROM read_parquet('"
                    + out.resolve("trials")
                    + "/*.parquet')")) {
      assertTrue(rs.next());
      String app = rs.getString("app_version");
      assertNotNull(app);
      assertTrue(app.startsWith("0.") || app.startsWith("1."), app);
      if (git != null) {
        assertTrue(app.contains("+g" + git), "app_version " + app + " names the git commit " + git);
      }
      assertEquals(Engine.getDjlVersion(), rs.getString("djl_version"));
      assertEquals(Engine.getEngine("PyTorch").getVersion(), rs.getString("libtorch_version"));
      assertEquals(System.getProperty("java.version"), rs.getString("java_version"));
      assertEquals(System.getProperty("os.arch"), rs.getString("os_arch"));
      assertEquals(
          1, rs.getInt("intra_op_threads"), "local[2] tasks take spark.task.cpus = 1 core");
      assertFalse(rs.next());
    }

    // The same commit, as if written by another build: a resume says so.
    String json = Files.readString(commits.get(0));
    String edited =
        json.replaceFirst("\"appVersion\":\"[^\"]*\"", "\"appVersion\":\"0.0.0-other\"");
    assertFalse(edited.equals(json), json);
    Files.writeString(commits.get(0), edited);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
    try {
      RunCommand.run(scheme + spec, "--out", scheme + out);
    } finally {
      System.setOut(stdout);
    }
    String printed = console.toString(StandardCharsets.UTF_8);
    assertTrue(
        printed.contains(
            "1 of 1 committed trial(s) in OUT were written by another application version:"
                + " 0.0.0-other (1)"),
        printed);
  }

  /** {@code git rev-parse --short=12 HEAD} of the working folder, or null without git. */
  static String gitCommit() {
    try {
      Process p =
          new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD")
              .redirectErrorStream(true)
              .start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? text : null;
    } catch (Exception e) {
      return null;
    }
  }
}
