package dev.scaling.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaling.common.spec.DataSource;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SyntheticSpec;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.fit.CurvesTable;
import dev.scaling.driver.fit.CurvesTableReader;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.worker.Engines;
import dev.scaling.worker.StepListener;
import dev.scaling.worker.TrialTrainer;
import dev.scaling.worker.model.ModelFamilies;
import dev.scaling.worker.model.TransformerFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ResultTables}' {@code grad_noise_scale} columns: two trials trained by the worker (one
 * measuring the noise scale, one not), committed, read back, written as tables on Spark {@code
 * local[2]} and read back with DuckDB (an independent Parquet reader).
 */
class ResultTablesTest {
  static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    Engines.configure(1);
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("ResultTablesTest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /** A tiny synthetic trial of 30 steps (batch 8, context 16), evaluated every 10. */
  private static Trial trial(int microbatches) {
    DataSpec data =
        DataSpec.builder(DataSource.SYNTHETIC)
            .evalTokens(1024)
            .settings(new SyntheticSpec(16, 1, 3, 1.1))
            .build();
    TrainingSpec training =
        new TrainingSpec(8, 3e-3, 0.1, 0.1, 1.0, 10).withMicrobatches(microbatches);
    return ModelFamilies.trial(
        "tables",
        new TrialConfig(5L, TransformerFamily.NAME, 16, 1, 2, 16, 30L * 8 * 16, 0, data, training));
  }

  /** Removes every {@code gradNoiseScale} key under {@code node}, as commits before it lack it. */
  private static void stripNoiseScale(JsonNode node) {
    if (node instanceof ObjectNode o) {
      o.remove("gradNoiseScale");
    }
    node.forEach(ResultTablesTest::stripNoiseScale);
  }

  /** The cell {@code column} of the current row, null where SQL NULL. */
  private static Double nullableDouble(ResultSet rs, String column) throws Exception {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }

  @Test
  void write_gradNoiseScaleReachesBothTablesThroughTheCommit(@TempDir Path dir) throws Exception {
    Configuration conf = new Configuration();
    Trial measured = trial(2);
    Trial plain = trial(1);
    TrialTrainer trainer = new TrialTrainer(conf);
    List<TrialOutcome> trained = new ArrayList<>();
    for (Trial t : List.of(measured, plain)) {
      TrialResult r = trainer.train(t, Device.cpu(), StepListener.NONE);
      assertEquals(TrialStatus.FINISHED, r.status(), r.error());
      trained.add(
          new TrialOutcome(t, r, "run-1", "driver", "localhost", 0, TrialProvenance.current()));
    }
    TrialResult m = trained.get(0).result();
    assertNotNull(m.gradNoiseScale(), "measured with 2 microbatches");
    assertNull(trained.get(1).result().gradNoiseScale(), "one microbatch measures nothing");

    // The commit JSON carries it both ways.
    Path out = dir.resolve("out");
    CommitLog commits = new CommitLog(out.toString(), conf);
    for (TrialOutcome o : trained) {
      commits.commit(o);
    }
    Map<String, TrialOutcome> back = commits.readAll();
    for (TrialOutcome o : trained) {
      assertEquals(o, back.get(o.trial().trialId()));
    }

    // A commit written before the column existed (no gradNoiseScale keys) reads as null.
    ObjectMapper json = new ObjectMapper();
    String name = measured.trialId() + ".json";
    JsonNode old = json.readTree(out.resolve("commits").resolve(name).toFile());
    stripNoiseScale(old);
    assertTrue(!old.toString().contains("gradNoiseScale"), old.toString());
    Path oldOut = dir.resolve("old");
    Files.createDirectories(oldOut.resolve("commits"));
    json.writeValue(oldOut.resolve("commits").resolve(name).toFile(), old);
    TrialOutcome oldOutcome =
        new CommitLog(oldOut.toString(), conf).readAll().get(measured.trialId());
    assertNotNull(oldOutcome, "the old commit is readable");
    assertNull(oldOutcome.result().gradNoiseScale());
    assertTrue(oldOutcome.result().curve().stream().allMatch(p -> p.gradNoiseScale() == null));
    assertEquals(m.finalEvalLoss(), oldOutcome.result().finalEvalLoss(), 0.0);

    ResultTables.write(spark, new ArrayList<>(back.values()), out.toString());
    Map<String, Double> trialNoise = new HashMap<>();
    Map<String, List<Double>> curveNoise = new HashMap<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      try (ResultSet rs =
          st.executeQuery(
              "SELECT trial_id, grad_noise_scale FROM read_parquet('"
                  + out.resolve("trials")
                  + "/*.parquet')")) {
        while (rs.next()) {
          trialNoise.put(rs.getString("trial_id"), nullableDouble(rs, "grad_noise_scale"));
        }
      }
      try (ResultSet rs =
          st.executeQuery(
              "SELECT trial_id, step, grad_noise_scale FROM read_parquet('"
                  + out.resolve("curves")
                  + "/*.parquet') ORDER BY trial_id, step")) {
        while (rs.next()) {
          Double v = nullableDouble(rs, "grad_noise_scale");
          curveNoise.computeIfAbsent(rs.getString("trial_id"), k -> new ArrayList<>()).add(v);
        }
      }
    }
    assertEquals(2, trialNoise.size());
    assertEquals(m.gradNoiseScale(), trialNoise.get(measured.trialId()));
    assertTrue(trialNoise.containsKey(plain.trialId()));
    assertNull(trialNoise.get(plain.trialId()));
    for (TrialOutcome o : trained) {
      List<Double> expected = o.result().curve().stream().map(CurvePoint::gradNoiseScale).toList();
      assertEquals(expected, curveNoise.get(o.trial().trialId()), o.trial().trialId());
    }
    System.out.println("grad_noise_scale by logged step: " + curveNoise.get(measured.trialId()));

    // The curve reader of ./sweep fit --curves still reads the table with the new column.
    CurvesTable curves =
        CurvesTableReader.read(out.toString(), conf, CurvesTableReader.Columns.defaults());
    assertEquals(2, curves.runs().size());
    assertEquals(m.curve().size(), curves.curve(measured.trialId()).loss().length);
  }
}
