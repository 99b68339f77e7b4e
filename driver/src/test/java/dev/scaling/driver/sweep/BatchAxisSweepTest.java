package dev.scaling.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
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
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep with a batch-size axis on Spark {@code local[2]}: every batch size trains its own steps
 * and learning rate, the trials table's {@code batch_size} and {@code batch_tokens} read back with
 * DuckDB (an independent Parquet reader), and a resume that adds a batch size trains only it.
 */
class BatchAxisSweepTest {
  static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("BatchAxisSweepTest")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  static final int CONTEXT = 16;
  static final double LR = 4.0e-3;
  static final int BASE = 8;

  static String spec(String batchSizes) {
    return """
        name: batch-axis
        seed: 23
        data:
          source: synthetic
          eval_tokens: 512
          synthetic: {vocab: 32, order: 2, branching: 4, zipf: 1.0}
        model: {context: %d, head_size: 8}
        grid: {width: [8], depth: [1], tokens: [4096], batch_size: %s}
        training:
          batch_size: %d
          learning_rate: %s
          lr_batch_scaling: sqrt
          eval_interval: 16
        """
        .formatted(CONTEXT, batchSizes, BASE, LR);
  }

  @Test
  void summary_listsEachTrialsBatchSizeAndSkipsTheBestLearningRateAcrossBatchSizes() {
    Plan plan = Planner.plan(SpecParser.parse(spec("[4, 16]")));
    List<TrialOutcome> outcomes =
        plan.trials().stream().map(t -> ResumePolicyTest.outcome(t, TrialStatus.FINISHED)).toList();
    // Two rates (sqrt scaling) of one (N, D), but at two batch sizes: no best rate vs N.
    assertNull(SweepLaws.learningRates(outcomes));
    List<String> lines = RunSummary.trials(outcomes).lines().toList();
    String header = lines.stream().filter(l -> l.contains("trial_id")).findFirst().orElseThrow();
    assertTrue(header.contains("tokens  batch  eval_loss"), header);
    for (Trial t : plan.trials()) {
      String row = lines.stream().filter(l -> l.contains(t.trialId())).findFirst().orElseThrow();
      assertEquals(String.valueOf(t.training().batchSize()), row.trim().split("\\s+")[4], row);
    }
  }

  @Test
  void run_writesBatchColumnsAndResumesAnExtendedAxis(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, spec("[4, 16]"));
    Path out = dir.resolve("out");
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    RunOutcome first =
        SweepService.run(
            SweepRequest.builder(spec.toString(), out.toString()).bootstrap(0).build(),
            new PrintStream(text, true, StandardCharsets.UTF_8));
    assertEquals(2, first.trainedThisRun());
    assertEquals(2, first.count(TrialStatus.FINISHED), text::toString);

    // Add B = 8: the grid alone changed, so --extend resumes and trains only the new trial.
    Files.writeString(spec, spec("[4, 16, 8]"));
    RunOutcome second =
        SweepService.run(
            SweepRequest.builder(spec.toString(), out.toString())
                .resume(new ResumePolicy(false, true, false))
                .bootstrap(0)
                .build(),
            new PrintStream(text, true, StandardCharsets.UTF_8));
    assertEquals(1, second.trainedThisRun(), text::toString);
    assertEquals(3, second.count(TrialStatus.FINISHED), text::toString);
    List<Trial> trained =
        second.outcomes().stream()
            .map(TrialOutcome::trial)
            .filter(t -> t.training().batchSize() == 8)
            .toList();
    assertEquals(1, trained.size());
    String printed = text.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("(w=8 d=1 D=4096 B=8) done"), printed);
    assertTrue(printed.contains("  batch"), "the plan's batch column: " + printed);

    Map<Integer, TrialOutcome> byBatch = new HashMap<>();
    second.outcomes().forEach(o -> byBatch.put(o.trial().training().batchSize(), o));
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      String trials = "read_parquet('" + out.resolve("trials") + "/*.parquet')";
      String curves = "read_parquet('" + out.resolve("curves") + "/*.parquet')";
      int rows = 0;
      try (ResultSet rs =
          st.executeQuery(
              "SELECT trial_id, batch_size, batch_tokens, steps, tokens, tokens_trained,"
                  + " learning_rate, context FROM "
                  + trials
                  + " ORDER BY batch_size")) {
        while (rs.next()) {
          rows++;
          int b = rs.getInt("batch_size");
          TrialOutcome o = byBatch.get(b);
          assertEquals(o.trial().trialId(), rs.getString("trial_id"));
          assertEquals((long) b * CONTEXT, rs.getLong("batch_tokens"), "B x context");
          assertEquals(4096L / (b * CONTEXT), rs.getLong("steps"), "D / (B x context)");
          assertEquals(4096L, rs.getLong("tokens_trained"));
          assertEquals(
              LR * Math.sqrt((double) b / BASE),
              rs.getDouble("learning_rate"),
              1e-15,
              "sqrt scaling from base " + BASE + " at B " + b);
        }
      }
      assertEquals(3, rows);
      List<Integer> expected = List.of(4, 8, 16);
      int batches = 0;
      try (ResultSet rs =
          st.executeQuery(
              "SELECT t.batch_size, max(c.step) AS last, max(c.tokens) AS tokens,"
                  + " arg_max(c.lr, c.step) AS lr"
                  + " FROM "
                  + curves
                  + " c JOIN "
                  + trials
                  + " t USING (trial_id) GROUP BY t.batch_size ORDER BY t.batch_size")) {
        while (rs.next()) {
          int b = rs.getInt("batch_size");
          assertEquals(expected.get(batches++), b);
          assertEquals(4096L / (b * CONTEXT), rs.getLong("last"), "the curve runs to the end");
          assertEquals(4096L, rs.getLong("tokens"), "its last point is at D");
          // Cosine decays to min_lr_fraction (0.1) of the peak at the last step: the worker
          // trained at the scaled peak (the curve stores the rate as a float).
          double last = 0.1 * LR * Math.sqrt((double) b / BASE);
          assertEquals(last, rs.getDouble("lr"), 1e-6 * last, "last rate at B " + b);
        }
      }
      assertEquals(3, batches);
    }
  }
}
