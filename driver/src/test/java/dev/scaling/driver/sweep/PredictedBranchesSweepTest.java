package dev.scaling.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecException;
import dev.scaling.driver.fit.FitCommand;
import dev.scaling.driver.fit.FitOutcome;
import dev.scaling.driver.predict.PredictedBranch;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wsd sweep with {@code training.predict_branches} on Spark {@code local[2]}: the predicted rows
 * of the trials table (read back with DuckDB), their weighted place in the fit and {@code
 * --exclude-predicted}, a resume that recomputes them, and {@code --verify-predictions}, which
 * trains them too and adds the report's checks.
 */
class PredictedBranchesSweepTest {
  static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("PredictedBranchesSweepTest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /**
   * 3 widths x 5 token counts, 256 tokens per step: 32, 48, 64, 96 and 128 steps, forks at 26, 38,
   * 51, 77 and 102; three trained per trunk (indices 0, 2, 4: 8192, 16384 and 32768 tokens), two
   * predicted (12288 and 24576).
   */
  static final String SPEC =
      """
      name: predicted
      seed: 11
      data:
        source: synthetic
        eval_tokens: 2048
        synthetic: {vocab: 32, order: 2, branching: 4, zipf: 1.0}
      model:
        context: 32
        head_size: 8
      grid:
        width: [8, 16, 32]
        depth: [1]
        tokens: [8192, 12288, 16384, 24576, 32768]
      training:
        batch_size: 8
        learning_rate: 3.0e-3
        schedule: wsd
        warmup_tokens: 1024
        cooldown_fraction: 0.2
        eval_interval: 4
        predict_branches: 3
      """;

  static final Set<Long> PREDICTED_TOKENS = Set.of(12288L, 24576L);

  private static RunOutcome run(Path spec, Path out, ByteArrayOutputStream console, String... more)
      throws Exception {
    SweepRequest.Builder b =
        SweepRequest.builder(spec.toString(), out.toString()).bootstrap(20).checkpointSeconds(0);
    for (String m : more) {
      switch (m) {
        case "verify" -> b.verifyPredictions(true);
        case "exclude" -> b.excludePredicted(true);
        default -> throw new IllegalArgumentException(m);
      }
    }
    return SweepService.run(b.build(), new PrintStream(console, true, StandardCharsets.UTF_8));
  }

  /** One row of the trials table as DuckDB reads it. */
  record Row(String id, String status, long tokens, double loss, Double low, Double high) {}

  private static Map<String, Row> rows(Path trials, String status) throws Exception {
    Map<String, Row> out = new HashMap<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT trial_id, status, tokens, final_eval_loss, predicted_loss_low,"
                    + " predicted_loss_high FROM read_parquet('"
                    + trials
                    + "/*.parquet') WHERE status = '"
                    + status
                    + "'")) {
      while (rs.next()) {
        out.put(
            rs.getString(1),
            new Row(
                rs.getString(1),
                rs.getString(2),
                rs.getLong(3),
                rs.getDouble(4),
                (Double) rs.getObject(5),
                (Double) rs.getObject(6)));
      }
    }
    return out;
  }

  @Test
  void run_refusesVerifyPredictionsWithoutPredictedBranches(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, SPEC.replace("  predict_branches: 3\n", ""));
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> run(spec, dir.resolve("out"), new ByteArrayOutputStream(), "verify"));
    assertEquals("--verify-predictions", e.field());
    assertTrue(e.getMessage().contains("training.predict_branches"), e.getMessage());
    assertTrue(!Files.exists(dir.resolve("out")), "nothing written to OUT");
  }

  @Test
  void sweep_predictsTheUntrainedBranchesThenVerifiesThem(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, SPEC);
    Path out = dir.resolve("out");
    Path trials = out.resolve("trials");

    // 1. Predicted: 9 branches trained, 6 predicted, all 15 points fitted.
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    RunOutcome first = run(spec, out, console);
    String text = console.toString(StandardCharsets.UTF_8);
    assertEquals(9, first.trainedThisRun(), text);
    assertEquals(0, first.exitCode(), text);
    Map<String, Row> finished = rows(trials, "finished");
    Map<String, Row> predicted = rows(trials, "predicted");
    assertEquals(9, finished.size());
    assertEquals(6, predicted.size(), text);
    for (Row r : finished.values()) {
      assertTrue(!PREDICTED_TOKENS.contains(r.tokens()), "trained: " + r);
      assertNull(r.low(), "no interval on a trained row");
      assertNull(r.high());
    }
    for (Row r : predicted.values()) {
      assertTrue(PREDICTED_TOKENS.contains(r.tokens()), "predicted: " + r);
      assertNotNull(r.low(), r.toString());
      assertTrue(r.low() <= r.loss() && r.loss() <= r.high(), r.toString());
      assertTrue(r.loss() > 0 && Double.isFinite(r.loss()), r.toString());
    }
    assertTrue(
        first.plan().predicted().equals(predicted.keySet()),
        "the predicted rows keep their grid points' trial ids");
    assertEquals(15, first.fit().analysis().points().size(), "trained and predicted fitted");
    assertTrue(text.contains("Predicted branches (curve law mpl"), text);

    // 2. Resumed with --exclude-predicted: nothing trains, the same predictions are derived again,
    // and the fit leaves them out.
    console.reset();
    RunOutcome again = run(spec, out, console, "exclude");
    assertEquals(0, again.trainedThisRun());
    Map<String, Row> recomputed = rows(trials, "predicted");
    assertEquals(predicted.keySet(), recomputed.keySet());
    for (Row r : recomputed.values()) {
      assertEquals(predicted.get(r.id()).loss(), r.loss(), 1e-12, "recomputed: " + r);
    }
    assertEquals(9, again.fit().analysis().points().size(), "--exclude-predicted");

    // 3. --verify-predictions: the 6 predicted branches train too; both rows are in the table.
    console.reset();
    RunOutcome verified = run(spec, out, console, "verify");
    text = console.toString(StandardCharsets.UTF_8);
    assertEquals(6, verified.trainedThisRun(), text);
    Map<String, Row> twins = rows(trials, "finished");
    Map<String, Row> stillPredicted = rows(trials, "predicted");
    assertEquals(15, twins.size());
    assertEquals(predicted.keySet(), stillPredicted.keySet());
    Set<String> both = new HashSet<>(stillPredicted.keySet());
    both.retainAll(twins.keySet());
    assertEquals(6, both.size(), "each predicted point has its trained twin");
    for (Row r : stillPredicted.values()) {
      assertEquals(
          predicted.get(r.id()).loss(),
          r.loss(),
          1e-12,
          "a held-out branch never enters the fit that predicts it");
    }
    assertEquals(15, verified.fit().analysis().points().size(), "the trained twins are fitted");
    assertEquals(6, verified.predictions().verified().size());
    for (PredictedBranch p : verified.predictions().verified()) {
      Row twin = twins.get(p.trial().trialId());
      assertEquals(twin.loss(), p.twinLoss(), 1e-12);
      assertEquals((p.loss() - twin.loss()) / p.checkNoise(), p.z(), 1e-9);
    }
    assertTrue(text.contains("Checked predictions (--verify-predictions): 6"), text);
    String report = Files.readString(out.resolve("report/index.html"));
    assertTrue(report.contains("<h2>Curves</h2>"), "the report's Curves section");
    assertTrue(report.contains("Curve laws side by side"));
    assertTrue(report.contains("Predicted against trained"));
    assertTrue(report.contains("annealing") && report.contains("mpl"));

    // 4. ./sweep fit reads the table: the twins are fitted, not the predictions; on a table of the
    // predictions alone (the twins dropped with DuckDB), --exclude-predicted fits the trained only.
    FitOutcome fit =
        FitCommand.run(
            "--input",
            trials.toString(),
            "--out",
            dir.resolve("fit").toString(),
            "--bootstrap",
            "0");
    assertEquals(15, fit.analysis().points().size());
    Path alone = dir.resolve("alone.parquet");
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      st.execute(
          "COPY (SELECT * FROM read_parquet('"
              + trials
              + "/*.parquet') t WHERE NOT (status = 'finished' AND tokens IN (12288, 24576)))"
              + " TO '"
              + alone
              + "' (FORMAT PARQUET)");
    }
    FitOutcome weighted =
        FitCommand.run(
            "--input",
            alone.toString(),
            "--out",
            dir.resolve("fit2").toString(),
            "--bootstrap",
            "0");
    assertEquals(15, weighted.analysis().points().size(), "9 trained + 6 predicted");
    FitOutcome excluded =
        FitCommand.run(
            "--input",
            alone.toString(),
            "--out",
            dir.resolve("fit3").toString(),
            "--bootstrap",
            "0",
            "--exclude-predicted");
    assertEquals(9, excluded.analysis().points().size());
  }
}
