package dev.scaling.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.fit.Budget;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.report.chart.Chart;
import dev.scaling.driver.report.chart.Field;
import dev.scaling.driver.report.chart.PageCharts;
import dev.scaling.driver.report.chart.Point;
import dev.scaling.driver.report.chart.Scale;
import dev.scaling.driver.report.chart.Style;
import dev.scaling.driver.sweep.RunOutcome;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small sweep end to end on Spark {@code local[2]}: spec file -> plan -> Spark tasks -> DJL
 * training -> Parquet, read back with DuckDB (an independent Parquet reader).
 */
class RunCommandTest {
  static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("RunCommandTest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  static final String SPEC =
      """
      name: e2e
      seed: 11
      data:
        source: synthetic
        eval_tokens: 2048
        synthetic: {vocab: 32, order: 2, branching: 4, zipf: 1.0}
      model:
        context: 32
        head_size: 16
      grid:
        width: [16, 32]
        depth: [1]
        tokens: [8192, 32768]
      training:
        batch_size: 8
        learning_rate: 3.0e-3
        eval_interval: 40
      """;

  @Test
  void run_smallSweepWritesParquetTablesReadableByAnIndependentReader(@TempDir Path dir)
      throws Exception {
    Path spec = dir.resolve("e2e.yaml");
    Files.writeString(spec, SPEC);
    Path out = dir.resolve("out");

    RunOutcome outcome = RunCommand.run(spec.toString(), "--out", out.toString());

    assertEquals(4, outcome.outcomes().size());
    assertEquals(4, outcome.count(TrialStatus.FINISHED), () -> outcome.outcomes().toString());
    assertEquals(0, outcome.exitCode());
    assertTrue(
        outcome.runId().startsWith(spark.sparkContext().applicationId() + "@"), outcome.runId());
    assertEquals(SPEC, Files.readString(out.resolve("spec.yaml")));

    Map<String, TrialOutcome> byId = new HashMap<>();
    outcome.outcomes().forEach(o -> byId.put(o.trial().trialId(), o));
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      String trials = "read_parquet('" + out.resolve("trials") + "/*.parquet')";
      String curves = "read_parquet('" + out.resolve("curves") + "/*.parquet')";
      try (ResultSet rs =
          st.executeQuery(
              "SELECT trial_id, run_id, width, depth, n_params, n_params_total, tokens, flops, steps, seed,"
                  + " final_train_loss, final_eval_loss, entropy_floor, status, error, wall_seconds,"
                  + " tokens_per_second, executor_id, host, device, attempt FROM "
                  + trials)) {
        int rows = 0;
        while (rs.next()) {
          rows++;
          TrialOutcome o = byId.get(rs.getString("trial_id"));
          assertNotNull(o, "row for a trial that was not planned: " + rs.getString("trial_id"));
          assertEquals(outcome.runId(), rs.getString("run_id"));
          assertEquals(
              12L * o.trial().depth() * o.trial().width() * o.trial().width(),
              rs.getLong("n_params"));
          assertEquals(o.trial().nParamsTotal(), rs.getLong("n_params_total"));
          assertEquals(
              6.0 * rs.getLong("n_params") * rs.getLong("tokens"), rs.getDouble("flops"), 1e-6);
          assertEquals(o.trial().tokens() / (8 * 32), rs.getLong("steps"));
          assertEquals(o.trial().seed(), rs.getLong("seed"));
          assertEquals("finished", rs.getString("status"));
          assertEquals(null, rs.getString("error"));
          double eval = rs.getDouble("final_eval_loss");
          double floor = rs.getDouble("entropy_floor");
          assertEquals(o.result().finalEvalLoss(), eval, 1e-12);
          assertTrue(
              Double.isFinite(eval) && eval < Math.log(32),
              "eval loss " + eval + " is below ln(vocab)");
          assertTrue(
              floor > 0 && floor < eval,
              "entropy floor " + floor + " is below the eval loss " + eval);
          assertTrue(rs.getDouble("wall_seconds") > 0);
          assertTrue(rs.getDouble("tokens_per_second") > 0);
          assertEquals("driver", rs.getString("executor_id"));
          assertEquals("cpu()", rs.getString("device"));
          assertEquals(0, rs.getInt("attempt"));
        }
        assertEquals(4, rows);
      }
      try (ResultSet rs =
          st.executeQuery(
              "SELECT trial_id, count(*) AS n, max(step) AS last, count(eval_loss) AS evals,"
                  + " arg_max(eval_loss, step) AS final_eval FROM "
                  + curves
                  + " GROUP BY trial_id")) {
        int trialsWithCurves = 0;
        while (rs.next()) {
          trialsWithCurves++;
          TrialOutcome o = byId.get(rs.getString("trial_id"));
          assertEquals(o.trial().steps(), rs.getLong("last"));
          long steps = o.trial().steps();
          assertEquals(
              steps / 40 + (steps % 40 == 0 ? 0 : 1),
              rs.getLong("evals"),
              "an evaluation every 40 steps and at the end");
          assertEquals(o.result().finalEvalLoss(), rs.getDouble("final_eval"), 1e-12);
        }
        assertEquals(4, trialsWithCurves);
      }
    }
    // More data helps: at width 32, the 32768-token trial beats the 8192-token one.
    double small = loss(outcome, 32, 8192);
    double large = loss(outcome, 32, 32768);
    assertTrue(
        large < small,
        "loss at D=32768 (" + large + ") should be below loss at D=8192 (" + small + ")");
  }

  @Test
  void run_absurdLearningRateDivergesAndTheOthersFinish(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("lr.yaml");
    Files.writeString(
        spec,
        SPEC.replace("name: e2e", "name: lr")
            .replace(
                "  tokens: [8192, 32768]", "  tokens: [8192]\n  learning_rate: [3.0e-3, 1.0e6]")
            .replace("  eval_interval: 40", "  eval_interval: 40\n  grad_clip: 0"));
    Path out = dir.resolve("out");

    RunOutcome outcome = RunCommand.run(spec.toString(), "--out", out.toString());

    assertEquals(4, outcome.outcomes().size());
    assertEquals(3, outcome.exitCode(), "some trials diverged");
    for (TrialOutcome o : outcome.outcomes()) {
      boolean absurd = o.trial().training().learningRate() > 1;
      assertEquals(
          absurd ? TrialStatus.DIVERGED : TrialStatus.FINISHED, o.result().status(), o.toString());
      if (absurd) {
        assertTrue(
            o.result().error().matches("(eval )?loss became (NaN|-?Infinity) (at|after) step \\d+"),
            o.result().error());
        assertEquals(0, o.attempt(), "a diverged trial is not retried");
      }
    }
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT status, count(*), count(final_eval_loss), min(learning_rate), max(learning_rate)"
                    + " FROM read_parquet('"
                    + out.resolve("trials")
                    + "/*.parquet') GROUP BY status ORDER BY status")) {
      assertTrue(rs.next());
      assertEquals("diverged", rs.getString(1));
      assertEquals(2, rs.getInt(2));
      assertEquals(1e6, rs.getDouble(4));
      assertTrue(rs.next());
      assertEquals("finished", rs.getString(1));
      assertEquals(2, rs.getInt(2));
      assertEquals(2, rs.getInt(3), "finished trials have a final eval loss");
      assertEquals(3e-3, rs.getDouble(5));
    }
  }

  @Test
  void run_resumeSkipsCommittedTrialsAndRefusesADifferentSpec(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("resume.yaml");
    String small =
        SPEC.replace("name: e2e", "name: resume")
            .replace("  tokens: [8192, 32768]", "  tokens: [8192]");
    Files.writeString(spec, small);
    Path out = dir.resolve("out");
    RunOutcome first = RunCommand.run(spec.toString(), "--out", out.toString());
    assertEquals(2, first.trainedThisRun());

    RunOutcome again = RunCommand.run(spec.toString(), "--out", out.toString());
    assertEquals(0, again.trainedThisRun(), "every trial was committed: nothing is retrained");
    assertEquals(first.outcomes(), again.outcomes(), "the consolidated table is unchanged");

    // A different learning rate is a different sweep: refused, naming what differs.
    Files.writeString(spec, small.replace("learning_rate: 3.0e-3", "learning_rate: 1.0e-3"));
    java.io.StringWriter err = new java.io.StringWriter();
    int code =
        SweepMain.commandLine()
            .setErr(new java.io.PrintWriter(err, true))
            .execute("run", spec.toString(), "--out", out.toString());
    assertEquals(2, code);
    assertTrue(err.toString().contains("training.learning_rate: 0.003 -> 0.001"), err.toString());

    // A grown grid is allowed with --extend, and only the new grid points train.
    Files.writeString(spec, small.replace("  tokens: [8192]", "  tokens: [8192, 16384]"));
    int refused =
        SweepMain.commandLine()
            .setErr(new java.io.PrintWriter(new java.io.StringWriter(), true))
            .execute("run", spec.toString(), "--out", out.toString());
    assertEquals(2, refused, "a grid change needs --extend");
    RunOutcome extended = RunCommand.run(spec.toString(), "--out", out.toString(), "--extend");
    assertEquals(2, extended.trainedThisRun());
    assertEquals(4, extended.outcomes().size());
    assertEquals(
        2,
        extended.outcomes().stream().filter(o -> o.runId().equals(first.runId())).count(),
        "rows of the first run keep its run_id");
  }

  /**
   * A commit this version cannot read (here one of the id-scheme-v1 build) is quarantined with its
   * reason and the run goes on, recommending nothing destructive; {@code --force} then moves the
   * remaining commits aside, unread, and says where.
   */
  @Test
  void run_unreadableCommitIsQuarantinedAndForceMovesCommitsAside(@TempDir Path dir)
      throws Exception {
    Path spec = dir.resolve("old.yaml");
    String small =
        SPEC.replace("name: e2e", "name: old")
            .replace("  width: [16, 32]", "  width: [16]")
            .replace("  tokens: [8192, 32768]", "  tokens: [8192]");
    Files.writeString(spec, small);
    Path out = dir.resolve("out");
    assertEquals(1, RunCommand.run(spec.toString(), "--out", out.toString()).trainedThisRun());
    // A commit as the id-scheme-v1 build wrote it: the trial's fields flat, no config or param
    // counts.
    Path commits = out.resolve("commits");
    Files.writeString(
        commits.resolve("0123456789abcdef.json"),
        "{\"trial\":{\"trialId\":\"0123456789abcdef\",\"sweepName\":\"old\",\"width\":16,\"depth\":1},"
            + "\"result\":{\"trialId\":\"0123456789abcdef\",\"status\":\"FINISHED\"}}");

    String[] console = new String[1];
    RunOutcome again =
        stdout(console, () -> RunCommand.run(spec.toString(), "--out", out.toString()));
    assertEquals(0, again.exitCode(), console[0]);
    assertEquals(0, again.trainedThisRun(), "the plan's trial is committed");
    assertTrue(Files.exists(out.resolve("quarantine/0123456789abcdef.json")), console[0]);
    assertTrue(
        console[0].contains("1 unreadable commit(s) set aside now in quarantine"), console[0]);
    assertTrue(console[0].contains("0123456789abcdef.json"), console[0]);
    assertFalse(console[0].contains("--force"), console[0]);

    RunOutcome forced =
        stdout(console, () -> RunCommand.run(spec.toString(), "--out", out.toString(), "--force"));
    assertEquals(1, forced.trainedThisRun());
    assertEquals(1, forced.outcomes().size());
    Matcher aside = Pattern.compile("aside, unread, to (\\S+)\\.").matcher(console[0]);
    assertTrue(aside.find(), console[0]);
    Path moved = Path.of(java.net.URI.create(aside.group(1)));
    assertTrue(
        moved.startsWith(out)
            && moved.getParent().getFileName().toString().startsWith(".replaced-"),
        moved.toString());
    assertTrue(Files.exists(moved.resolve(forced.outcomes().get(0).trial().trialId() + ".json")));
    try (var files = Files.list(commits)) {
      assertEquals(
          1,
          files.filter(p -> p.getFileName().toString().endsWith(".json")).count(),
          "the new commit is there");
    }
  }

  /** Runs {@code r} with System.out captured into {@code text[0]}. */
  private static <T> T stdout(String[] text, java.util.concurrent.Callable<T> r) throws Exception {
    java.io.PrintStream old = System.out;
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      return r.call();
    } finally {
      System.setOut(old);
      text[0] = buf.toString(StandardCharsets.UTF_8);
    }
  }

  /**
   * A sweep planned by budget: every trial carries its nominal budget into OUT/trials, and the fit
   * at the end groups the IsoFLOP profiles by those budgets (the plan's, exactly) and estimates the
   * compute-optimal allocation by the approaches that apply.
   */
  @Test
  void run_isoflopPlanWritesBudgetsAndFitsByThem(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("iso.yaml");
    Files.writeString(
        spec,
        """
        name: iso
        seed: 5
        data:
          source: synthetic
          eval_tokens: 1024
          synthetic: {vocab: 32, order: 2, branching: 4, zipf: 1.0}
        model:
          context: 16
          head_size: 2
        grid:
          width: [8, 10, 12, 14, 16, 18, 20, 24, 28, 32]
          depth: [1]
          isoflop:
            budgets: [3.6e8, 7.2e8]
            models: 5
            span: 8
            tokens_per_param: 20
        training:
          batch_size: 4
          learning_rate: 3.0e-3
          eval_interval: 200
        """);
    Path out = dir.resolve("out");
    RunOutcome outcome =
        RunCommand.run(spec.toString(), "--out", out.toString(), "--bootstrap", "20");

    assertEquals(10, outcome.outcomes().size(), () -> outcome.plan().describe(2));
    Map<Double, Integer> perBudget = new HashMap<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT budget, n_params, tokens FROM read_parquet('"
                    + out.resolve("trials")
                    + "/*.parquet')")) {
      while (rs.next()) {
        double budget = rs.getDouble("budget");
        perBudget.merge(budget, 1, Integer::sum);
        double cost = 6.0 * rs.getLong("n_params") * rs.getLong("tokens");
        assertEquals(1.0, cost / budget, 0.05, "each trial's 6ND is within 5% of its budget");
      }
    }
    assertEquals(Map.of(3.6e8, 5, 7.2e8, 5), perBudget);
    assertNotNull(outcome.fit(), "10 trials, 5+ distinct N and D: the fit gate passes");
    List<Double> grouped =
        outcome.fit().allocations().study().budgets().stream()
            .map(Budget::compute)
            .sorted()
            .toList();
    assertEquals(2, grouped.size(), "the IsoFLOP profiles are the plan's budgets: " + grouped);
    assertEquals(3.6e8, grouped.get(0), 3.6e8 * 1e-9);
    assertEquals(7.2e8, grouped.get(1), 7.2e8 * 1e-9);
    assertTrue(
        outcome.fit().allocations().estimates().size()
                + outcome.fit().allocations().skipped().size()
            == 3,
        "each of the three approaches either estimates or says why not");
  }

  /**
   * The headline output of {@code sweep run}: 3 widths x 3 token counts pass the fit gate (at least
   * 6 finished trials, 3 distinct N and 3 distinct D), so the run ends with OUT/fits and
   * OUT/report. Both are read back independently: the fits with DuckDB, the trial count from
   * OUT/trials, the fitted values from the HTML.
   */
  @Test
  void run_enoughTrialsForTheFitGateWritesFitsTableAndReport(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("fits.yaml");
    Files.writeString(
        spec,
        SPEC.replace("name: e2e", "name: fits")
            .replace("  width: [16, 32]", "  width: [16, 32, 48]")
            .replace("  tokens: [8192, 32768]", "  tokens: [4096, 8192, 16384]"));
    Path out = dir.resolve("out");

    RunOutcome outcome =
        RunCommand.run(spec.toString(), "--out", out.toString(), "--bootstrap", "60");

    assertEquals(9, outcome.outcomes().size());
    assertNotNull(outcome.fit(), "9 trials with 3 distinct N and 3 distinct D pass the fit gate");
    Map<String, Double> estimates = new HashMap<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      long finished;
      try (ResultSet rs =
          st.executeQuery(
              "SELECT count(*) FROM read_parquet('"
                  + out.resolve("trials")
                  + "/*.parquet') WHERE status = 'finished'")) {
        assertTrue(rs.next());
        finished = rs.getLong(1);
      }
      assertTrue(finished >= 6, "finished trials: " + finished);
      Set<String> forms = new TreeSet<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT form, parameter, estimate, ci_low, ci_high, n_points FROM read_parquet('"
                  + out.resolve("fits")
                  + "/*.parquet') WHERE approach IS NULL")) {
        while (rs.next()) {
          String form = rs.getString("form");
          String what = form + "." + rs.getString("parameter");
          forms.add(form);
          double estimate = rs.getDouble("estimate");
          double lo = rs.getDouble("ci_low");
          assertFalse(rs.wasNull(), what + " has an interval (bootstrap 60)");
          double hi = rs.getDouble("ci_high");
          assertTrue(Double.isFinite(estimate), what + " estimate " + estimate);
          assertTrue(
              lo <= estimate && estimate <= hi, what + ": " + lo + " <= " + estimate + " <= " + hi);
          if (form.equals("chinchilla") || form.equals("kaplan")) {
            assertEquals(
                finished, rs.getLong("n_points"), what + ": a joint law fits every finished trial");
          } else {
            assertTrue(rs.getLong("n_points") <= finished, what);
          }
          estimates.put(what, estimate);
        }
      }
      assertTrue(forms.containsAll(List.of("chinchilla", "kaplan")), "forms " + forms);
      // The compute-optimal rows: one approach each, a and b with intervals.
      try (ResultSet rs =
          st.executeQuery(
              "SELECT approach, estimate, ci_low, ci_high FROM read_parquet('"
                  + out.resolve("fits")
                  + "/*.parquet') WHERE form = 'compute_optimal' AND parameter = 'a'")) {
        int approaches = 0;
        while (rs.next()) {
          approaches++;
          double a = rs.getDouble(2);
          assertTrue(rs.getDouble(3) <= a && a <= rs.getDouble(4), rs.getString(1) + " a=" + a);
        }
        assertTrue(approaches >= 1, "at least the parametric approach applies");
      }
    }

    Path report = out.resolve("report/index.html");
    assertTrue(Files.isRegularFile(report));
    String html = Files.readString(report);
    // Each fitted value appears in the law table as
    // "<td>form</td><td>parameter</td><td>value</td>".
    Map<String, Double> shown = new HashMap<>();
    Matcher m =
        Pattern.compile("<tr><td>([a-z_]+)</td><td>([A-Za-z_]+)</td><td>([-+0-9.eE]+)</td>")
            .matcher(html);
    while (m.find()) {
      shown.put(m.group(1) + "." + m.group(2), Double.parseDouble(m.group(3)));
    }
    for (String law :
        List.of(
            "chinchilla.E",
            "chinchilla.A",
            "chinchilla.B",
            "chinchilla.alpha",
            "chinchilla.beta")) {
      assertTrue(shown.containsKey(law), law + " in the report's table " + shown.keySet());
      double expected = estimates.get(law);
      assertEquals(
          expected, shown.get(law), Math.abs(expected) * 1e-4, law + " as shown in the report");
    }
    // The charts: a full 3x3 grid is drawn per D and per N; every finished trial is a point
    // whose tooltip names it with its width.
    List<TrialOutcome> fitted =
        outcome.outcomes().stream()
            .filter(o -> o.result().status() == TrialStatus.FINISHED)
            .filter(o -> Double.isFinite(o.result().finalEvalLoss()))
            .toList();
    Chart perD = PageCharts.titled(html, "Loss vs N for each D");
    assertEquals(
        fitted.stream().map(o -> o.trial().tokens()).distinct().count(),
        perD.series().stream().filter(x -> x.style() == Style.POINTS).count(),
        "one series per D trained");
    assertEquals(
        perD.series().stream().filter(x -> x.style() == Style.POINTS).count(),
        perD.series().stream().filter(x -> x.style() == Style.LINE).count(),
        "the law drawn at every D");
    // Bootstrap 60: each D's law is shaded by the band of the resamples' laws.
    assertEquals(
        perD.series().stream().filter(x -> x.style() == Style.LINE).count(),
        perD.bands().size(),
        "a band per fitted line");
    for (var b : perD.bands()) {
      for (int i = 0; i < b.x().length; i++) {
        assertTrue(b.lo()[i] > 0 && b.lo()[i] <= b.hi()[i], b + " at " + b.x()[i]);
      }
    }
    PageCharts.titled(html, "Loss vs D for each N");
    Chart vsC = PageCharts.titled(html, "Loss vs compute");
    List<Point> trials = PageCharts.points(vsC, "trials", Style.POINTS);
    assertEquals(fitted.size(), trials.size(), "every finished trial on loss vs compute");
    Map<String, TrialOutcome> byId = new HashMap<>();
    fitted.forEach(o -> byId.put(o.trial().trialId(), o));
    for (Point p : trials) {
      TrialOutcome o = byId.get(p.tip().title());
      assertNotNull(o, "tooltip names a trial of the sweep: " + p.tip());
      assertEquals(o.trial().flops(), p.x(), 1e-9 * p.x(), "x is 6ND of " + o.trial().trialId());
      assertEquals(o.result().finalEvalLoss(), p.y(), 0, "y is the final loss");
      assertTrue(
          p.tip().fields().contains(new Field("width", String.valueOf(o.trial().width()))),
          p.tip().toString());
    }
    assertEquals(Scale.LOG, PageCharts.titled(html, "Learning curves").x().scale(), "log steps");
    assertFalse(
        html.contains("src=\"http") || html.contains("src=\"file"), "no image outside the page");
  }

  private static double loss(RunOutcome outcome, int width, long tokens) {
    return outcome.outcomes().stream()
        .filter(o -> o.trial().width() == width && o.trial().tokens() == tokens)
        .findFirst()
        .orElseThrow()
        .result()
        .finalEvalLoss();
  }
}
