package dev.scaling.driver.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.SweepMain;
import dev.scaling.driver.fit.BatchFitOutcome;
import dev.scaling.driver.fit.FitCommand;
import dev.scaling.driver.sweep.RunOutcome;
import dev.scaling.driver.sweep.SweepRequest;
import dev.scaling.driver.sweep.SweepService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny power-law sweep on Spark {@code local[2]} whose trials differ only in batch size (2 widths
 * x 4 batch sizes, one D, constant learning rate after warmup, moved by sqrt(B)): the end of {@code
 * run} writes the batch study alone (one D is too few for the joint laws), and its {@code batch}
 * rows in {@code OUT/fits}, read with DuckDB, equal a least-squares fit of S = S_min + E_min / B on
 * log S that this test makes itself from the steps to each target it reads from {@code OUT/curves}.
 * Then {@code ./sweep fit --form batch --input OUT --targets ..} at targets this test picks inside
 * every trial's range: its {@code batch} rows sit at exactly those targets and equal the same own
 * fit; a target outside every trial's range exits 2 and writes nothing.
 */
class BatchStudySweepTest {
  static SparkSession spark;

  @TempDir static Path dir;

  /** The sweep's output folder and what its run printed (one run shared by the tests). */
  static Path out;

  static RunOutcome run;
  static String console;

  @BeforeAll
  static void startSparkAndRun() throws Exception {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("BatchStudySweepTest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, SPEC);
    out = dir.resolve("out");
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    run =
        SweepService.run(
            SweepRequest.builder(spec.toString(), out.toString()).bootstrap(50).build(),
            new PrintStream(text, true, StandardCharsets.UTF_8));
    console = text.toString(StandardCharsets.UTF_8);
    System.out.print(console);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  static final String SPEC =
      """
      name: batch-study
      seed: 5
      data: {source: powerlaw, eval_tokens: 1024}
      model: {context: 32, head_size: 4}
      grid: {width: [8, 16], depth: [1], tokens: [16384], batch_size: [4, 8, 16, 32]}
      training:
        batch_size: 8
        learning_rate: 6.0e-3
        lr_batch_scaling: sqrt
        microbatches: 2
        warmup_fraction: 0.02
        min_lr_fraction: 1.0
        eval_interval: 4
      """;

  /** One logged evaluation. */
  record Eval(long step, double loss) {}

  /**
   * Steps to first reach {@code target}, linear in the step between the two evaluations around it.
   */
  static double steps(List<Eval> curve, double target) {
    for (int i = 0; i < curve.size(); i++) {
      if (curve.get(i).loss() <= target) {
        if (i == 0) {
          return curve.get(0).step();
        }
        Eval a = curve.get(i - 1);
        Eval b = curve.get(i);
        return a.step() + (a.loss() - target) / (a.loss() - b.loss()) * (b.step() - a.step());
      }
    }
    return Double.NaN;
  }

  /**
   * Least squares of log S on log(S_min + E_min / B): for each B_crit = E_min / S_min on a fine log
   * grid the best log S_min is the mean of log S - log(1 + B_crit / B); the best B_crit is then
   * refined by golden section. Returns {S_min, E_min}.
   */
  static double[] fit(double[] b, double[] s) {
    double lo = Math.log(b[0] * 1e-4);
    double hi = Math.log(b[b.length - 1] * 1e4);
    double best = lo;
    for (int i = 0; i <= 4000; i++) {
      double x = lo + (hi - lo) * i / 4000;
      if (sse(b, s, x) < sse(b, s, best)) {
        best = x;
      }
    }
    double a = best - (hi - lo) / 4000;
    double c = best + (hi - lo) / 4000;
    double g = (Math.sqrt(5) - 1) / 2;
    for (int i = 0; i < 200; i++) {
      double x1 = c - g * (c - a);
      double x2 = a + g * (c - a);
      if (sse(b, s, x1) < sse(b, s, x2)) {
        c = x2;
      } else {
        a = x1;
      }
    }
    double x = (a + c) / 2;
    double sMin = Math.exp(logSmin(b, s, x));
    return new double[] {sMin, sMin * Math.exp(x)};
  }

  static double logSmin(double[] b, double[] s, double logBcrit) {
    double m = 0;
    for (int i = 0; i < b.length; i++) {
      m += (Math.log(s[i]) - Math.log(1 + Math.exp(logBcrit) / b[i])) / b.length;
    }
    return m;
  }

  static double sse(double[] b, double[] s, double logBcrit) {
    double ls = logSmin(b, s, logBcrit);
    double e = 0;
    for (int i = 0; i < b.length; i++) {
      double r = ls + Math.log(1 + Math.exp(logBcrit) / b[i]) - Math.log(s[i]);
      e += r * r;
    }
    return e;
  }

  /** Each trial's model, batch in tokens and evaluations, from the tables the run wrote. */
  record Trials(
      Map<String, String> model, Map<String, Double> batch, Map<String, List<Eval>> evals) {}

  static Trials trials(Statement st) throws Exception {
    String trials = "read_parquet('" + out.resolve("trials") + "/*.parquet')";
    String curves = "read_parquet('" + out.resolve("curves") + "/*.parquet')";
    Map<String, String> model = new LinkedHashMap<>();
    Map<String, Double> batch = new LinkedHashMap<>();
    Map<String, List<Eval>> evals = new LinkedHashMap<>();
    try (ResultSet rs =
        st.executeQuery(
            "SELECT t.trial_id, t.width, t.depth, t.batch_tokens, c.step, c.eval_loss FROM "
                + curves
                + " c JOIN "
                + trials
                + " t USING (trial_id) WHERE c.eval_loss IS NOT NULL ORDER BY t.trial_id,"
                + " c.step")) {
      while (rs.next()) {
        String id = rs.getString(1);
        model.put(id, "width " + rs.getInt(2) + " depth " + rs.getInt(3));
        batch.put(id, (double) rs.getLong(4));
        evals
            .computeIfAbsent(id, k -> new ArrayList<>())
            .add(new Eval(rs.getLong(5), rs.getDouble(6)));
      }
    }
    return new Trials(model, batch, evals);
  }

  /**
   * Checks every {@code batch} row of the fits table in {@code fitsDir} against this test's own
   * least-squares fit of the steps it reads from {@code OUT/curves}; returns the targets checked.
   */
  static List<Double> checkBatchRows(Statement st, Trials t, Path fitsDir) throws Exception {
    String fits = "read_parquet('" + fitsDir + "/*.parquet')";
    List<Double> checked = new ArrayList<>();
    try (ResultSet rs =
        st.executeQuery(
            "SELECT \"group\", target, max(CASE WHEN parameter = 'S_min' THEN estimate END),"
                + " max(CASE WHEN parameter = 'E_min' THEN estimate END),"
                + " max(CASE WHEN parameter = 'B_crit' THEN estimate END), max(n_points) FROM "
                + fits
                + " WHERE form = 'batch' GROUP BY \"group\", target ORDER BY \"group\", target")) {
      while (rs.next()) {
        String group = rs.getString(1);
        double target = rs.getDouble(2);
        List<Double> bs = new ArrayList<>();
        List<Double> ss = new ArrayList<>();
        for (String id : t.evals().keySet()) {
          double s =
              t.model().get(id).equals(group) ? steps(t.evals().get(id), target) : Double.NaN;
          if (Double.isFinite(s)) {
            bs.add(t.batch().get(id));
            ss.add(s);
          }
        }
        assertEquals(bs.size(), rs.getInt(6), group + " at " + target + ": trials reaching it");
        double[] own =
            fit(
                bs.stream().mapToDouble(Double::doubleValue).toArray(),
                ss.stream().mapToDouble(Double::doubleValue).toArray());
        String at = group + " at " + target + " steps " + ss + " batches " + bs;
        assertEquals(own[0], rs.getDouble(3), 1e-3 * own[0], "S_min, " + at);
        assertEquals(own[1], rs.getDouble(4), 1e-3 * own[1], "E_min, " + at);
        assertEquals(own[1] / own[0], rs.getDouble(5), 2e-3 * own[1] / own[0], "B_crit, " + at);
        checked.add(target);
      }
    }
    return checked;
  }

  @Test
  void run_fitsTheBatchStudyFromTheCurvesItWrote() throws Exception {
    assertEquals(8, run.count(TrialStatus.FINISHED), console);
    assertTrue(console.contains("batch size: 2 model(s)"), console);

    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      Trials t = trials(st);
      assertEquals(8, t.evals().size());
      List<Double> checked = checkBatchRows(st, t, out.resolve("fits"));
      assertTrue(checked.size() >= 2, "batch rows checked: " + checked + "\n" + console);
      String fits = "read_parquet('" + out.resolve("fits") + "/*.parquet')";
      try (ResultSet rs =
          st.executeQuery("SELECT count(*) FROM " + fits + " WHERE form = 'bcrit_law'")) {
        rs.next();
        assertTrue(rs.getInt(1) >= 2, "a B_crit(L) law with B_star and alpha_B\n" + console);
      }
    }
    String html = Files.readString(out.resolve("report").resolve("index.html"));
    assertTrue(html.contains("<h2>Batch size</h2>"));
    assertTrue(html.contains("Gradient noise scale over training"), "the noise scale was measured");
    assertFalse(html.contains("No trial measured the gradient noise scale"));
  }

  @Test
  void fitBatch_onTheSweepsOut_fitsTheGivenTargets(@TempDir Path tmp) throws Exception {
    Trials t;
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      t = trials(st);
    }
    // Targets inside the range every trial's logged losses span, chosen here.
    double lo = Double.NEGATIVE_INFINITY;
    double hi = Double.POSITIVE_INFINITY;
    double lowest = Double.POSITIVE_INFINITY;
    for (List<Eval> c : t.evals().values()) {
      double min = c.stream().mapToDouble(Eval::loss).min().orElseThrow();
      double max = c.stream().mapToDouble(Eval::loss).max().orElseThrow();
      lo = Math.max(lo, min);
      hi = Math.min(hi, max);
      lowest = Math.min(lowest, min);
    }
    assertTrue(lo < hi, "a loss range every trial spans: " + lo + " to " + hi);
    double t1 = lo + 0.3 * (hi - lo);
    double t2 = lo + 0.7 * (hi - lo);
    Path fitOut = tmp.resolve("fit");
    BatchFitOutcome done =
        FitCommand.runBatch(
            "--form",
            "batch",
            "--input",
            out.toString(),
            "--targets",
            t1 + "," + t2,
            "--out",
            fitOut.toString(),
            "--bootstrap",
            "50",
            "--json");
    JsonNode json = new ObjectMapper().readTree(done.json());
    assertEquals(4, json.get("batch").size(), done.json());
    for (JsonNode b : json.get("batch")) {
      double target = b.get("target").asDouble();
      assertTrue(target == t1 || target == t2, "target " + target);
      assertEquals(
          b.get("E_min").asDouble() / b.get("S_min").asDouble(),
          b.get("B_crit").asDouble(),
          1e-9 * b.get("B_crit").asDouble());
      assertEquals(2, b.get("ci").get("B_crit").size(), done.json());
    }
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      List<Double> checked = checkBatchRows(st, t, fitOut.resolve("fits"));
      assertEquals(4, checked.size(), "(model, target) rows: " + checked);
      assertEquals(
          new TreeSet<>(List.of(t1, t2)), new TreeSet<>(checked), "exactly the targets given");
    }
    String html = Files.readString(fitOut.resolve("report").resolve("index.html"));
    assertTrue(html.contains("<h2>Batch size</h2>"), html);

    // A target below every trial's lowest loss: exit 2 naming it, nothing written.
    Path badOut = tmp.resolve("bad");
    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code =
          SweepMain.run(
              "fit",
              "--form",
              "batch",
              "--input",
              out.toString(),
              "--targets",
              Double.toString(lowest / 2),
              "--out",
              badOut.toString());
    } finally {
      System.setErr(oldErr);
    }
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, code, stderr);
    assertTrue(stderr.contains("--targets[0] must be"), stderr);
    assertFalse(Files.exists(badOut.resolve("fits")), "nothing written");

    // A table column option with a sweep's folder: exit 2, it does not apply.
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      code =
          SweepMain.run(
              "fit",
              "--form",
              "batch",
              "--input",
              out.toString(),
              "--steps-col",
              "steps",
              "--out",
              badOut.toString());
    } finally {
      System.setErr(oldErr);
    }
    assertEquals(2, code, err.toString(StandardCharsets.UTF_8));
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("--steps-col must be absent when --input"),
        err.toString(StandardCharsets.UTF_8));
    assertFalse(Files.exists(badOut.resolve("fits")), "nothing written");
  }
}
