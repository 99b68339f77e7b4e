package dev.scaling.driver.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaling.common.spec.SpecException;
import dev.scaling.driver.SweepMain;
import dev.scaling.driver.report.chart.Chart;
import dev.scaling.driver.report.chart.PageCharts;
import dev.scaling.driver.report.chart.Scale;
import dev.scaling.driver.report.chart.Series;
import dev.scaling.driver.report.chart.Style;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FitCommandTest {
  @TempDir Path tmp;

  /**
   * Chinchilla truth (E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28) on a crossed 6 x 6 design.
   */
  private Path csv(String extraRow) throws Exception {
    return table(extraRow, true);
  }

  private Path table(String extraRow, boolean dependsOnD) throws Exception {
    StringBuilder s = new StringBuilder("N,D,loss\n");
    Random rng = new Random(1);
    for (int i = 0; i < 6; i++) {
      double n = 1e7 * Math.pow(300, i / 5.0);
      for (int j = 0; j < 6; j++) {
        double d = 1e9 * Math.pow(100, j / 5.0);
        double loss =
            (1.69 + 406.4 / Math.pow(n, 0.34) + (dependsOnD ? 410.7 / Math.pow(d, 0.28) : 0))
                * Math.exp(0.003 * rng.nextGaussian());
        s.append(String.format(Locale.ROOT, "%.6e,%.6e,%.8f%n", n, d, loss));
      }
    }
    if (extraRow != null) {
      s.append(extraRow).append('\n');
    }
    Path f = tmp.resolve("table.csv");
    Files.writeString(f, s);
    return f;
  }

  /** The CSV's data rows as numbers, read here without the reader under test. */
  private static List<double[]> parse(Path csv) throws Exception {
    return Files.readAllLines(csv).stream()
        .skip(1)
        .filter(l -> !l.isBlank())
        .map(l -> Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble).toArray())
        .toList();
  }

  private static String[] stdout(Runnable r) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8).strip().split("\n");
  }

  @Test
  void run_fitsCsvWritesParquetReportAndJsonLastLine() throws Exception {
    Path in = csv(null);
    List<double[]> data = parse(in);
    double maxD = data.stream().mapToDouble(r -> r[1]).max().orElseThrow();
    double maxN = data.stream().mapToDouble(r -> r[0]).max().orElseThrow();
    long atMaxD = data.stream().filter(r -> r[1] == maxD).count();
    long atMaxN = data.stream().filter(r -> r[0] == maxN).count();
    Path out = tmp.resolve("out");
    FitOutcome[] outcome = new FitOutcome[1];
    String[] lines =
        stdout(
            () ->
                outcome[0] =
                    FitCommand.run(
                        "--input",
                        in.toString(),
                        "--out",
                        out.toString(),
                        "--bootstrap",
                        "30",
                        "--grid",
                        "coarse",
                        "--json"));
    JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
    assertEquals(data.size(), json.get("n").asInt());
    assertEquals(
        List.of("chinchilla", "kaplan", "power_n", "power_d"),
        List.of(json.get("fits").findValuesAsText("form").toArray(new String[0])));
    JsonNode chin = json.get("fits").get(0);
    assertEquals(0.34, chin.get("params").get("alpha").asDouble(), 0.03);
    assertEquals(2, chin.get("ci").get("alpha").size());
    assertEquals(
        0, chin.get("at_bound").size(), "data of the law's own form fit inside its domain");
    // N_opt at the table's largest compute, from the fitted parameters by eq. 4 of Hoffmann et al.
    double alpha = chin.get("params").get("alpha").asDouble();
    double beta = chin.get("params").get("beta").asDouble();
    double g =
        Math.pow(
            alpha
                * chin.get("params").get("A").asDouble()
                / (beta * chin.get("params").get("B").asDouble()),
            1 / (alpha + beta));
    // A crossed grid groups into no budgets: the target is 10x the largest 6ND.
    double c = 10 * data.stream().mapToDouble(r -> 6 * r[0] * r[1]).max().orElseThrow();
    JsonNode co = json.get("compute_optimal");
    assertEquals(
        List.of("envelope", "parametric"),
        List.of(co.findValuesAsText("approach").toArray(new String[0])),
        "isoflop does not apply to a crossed grid: " + json.get("approaches_not_applied"));
    assertEquals("isoflop", json.get("approaches_not_applied").get(0).get("approach").asText());
    JsonNode par = co.get(1);
    assertEquals(c, par.get("at_compute").asDouble(), 1e-9 * c);
    assertEquals(beta / (alpha + beta), par.get("a").asDouble(), 1e-12);
    assertEquals(
        g * Math.pow(c / 6, beta / (alpha + beta)),
        par.get("n_opt").asDouble(),
        1e-9 * par.get("n_opt").asDouble());
    assertEquals(c / 6 / par.get("n_opt").asDouble(), par.get("d_opt").asDouble(), 1e-6 * c);
    assertEquals(2, par.get("ci").get("a").size());
    assertTrue(
        par.get("ci").get("a").get(0).asDouble() <= par.get("a").asDouble()
            && par.get("a").asDouble() <= par.get("ci").get("a").get(1).asDouble());
    assertTrue(json.get("fits").get(1).get("params").has("alphaN"));
    String html = Files.readString(out.resolve("report/index.html"));
    assertTrue(html.contains("echarts") && html.contains("div.chart"), "chart script inlined");
    Chart vsC = PageCharts.titled(html, "Loss vs compute");
    assertEquals(Scale.LOG, vsC.x().scale());
    assertEquals(Scale.LOG, vsC.y().scale());
    assertEquals(
        outcome[0].analysis().points().size(),
        PageCharts.points(vsC, "trials", Style.POINTS).size(),
        "every fitted row on the loss-vs-compute chart");
    assertEquals(out.resolve("fits/part-00000.parquet"), outcome[0].fitsFile());
    // Published parameter counts: Chinchilla 5, Kaplan 4, each power law 3; then per approach
    // applied (envelope, parametric) a, b, N_opt, D_opt, tokens_per_param and at_compute.
    int expectedRows = 5 + 4 + 3 + 3 + 2 * 6;
    try (Connection conn = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*), count(DISTINCT form), max(delta),"
                    + " max(n_points) FILTER (WHERE form = 'power_n'), max(n_points) FILTER (WHERE form = 'power_d'),"
                    + " max(n_points) FILTER (WHERE form = 'chinchilla'), count(*) FILTER (WHERE at_bound),"
                    + " count(DISTINCT approach)"
                    + " FROM read_parquet('"
                    + out.resolve("fits")
                    + "/*.parquet')")) {
      rs.next();
      assertEquals(expectedRows, rs.getInt(1));
      assertEquals(5, rs.getInt(2), "chinchilla, kaplan, power_n, power_d, compute_optimal");
      assertEquals(1e-3, rs.getDouble(3), 0);
      assertEquals(atMaxD, rs.getInt(4), "L(N) uses the rows at the largest D");
      assertEquals(atMaxN, rs.getInt(5), "L(D) uses the rows at the largest N");
      assertEquals(data.size(), rs.getInt(6));
      assertEquals(0, rs.getInt(7));
      assertEquals(2, rs.getInt(8), "envelope and parametric");
    }
    try (Connection conn = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT estimate, ci_low, ci_high FROM read_parquet('"
                    + out.resolve("fits")
                    + "/*.parquet') WHERE form = 'chinchilla' AND parameter = 'alpha'")) {
      rs.next();
      assertTrue(rs.getDouble(2) <= rs.getDouble(1) && rs.getDouble(1) <= rs.getDouble(3));
    }
  }

  /**
   * A loss that does not depend on D: the D side of the joint laws goes to its bound, and it is a
   * result.
   */
  @Test
  void run_lossIndependentOfD_reportsAtBoundAndFinishesEveryForm() throws Exception {
    Path in = table(null, false);
    Path out = tmp.resolve("bound");
    String[] lines =
        stdout(
            () ->
                FitCommand.run(
                    "--input",
                    in.toString(),
                    "--out",
                    out.toString(),
                    "--bootstrap",
                    "20",
                    "--grid",
                    "coarse",
                    "--json"));
    JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
    assertEquals(4, json.get("fits").size(), "every form fitted: " + json);
    assertEquals(0, json.get("not_fitted").size());
    JsonNode chin = json.get("fits").get(0);
    assertTrue(chin.get("at_bound").size() > 0, "Chinchilla at bound: " + chin);
    assertTrue(String.join("\n", lines).contains("at bound:"), "the summary says so");
    assertTrue(
        Files.readString(out.resolve("report/index.html")).contains("at bound"),
        "the report says so");
    try (Connection conn = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM read_parquet('"
                    + out.resolve("fits")
                    + "/*.parquet') WHERE at_bound AND form = 'chinchilla'")) {
      rs.next();
      assertEquals(chin.get("at_bound").size(), rs.getInt(1));
    }
  }

  @Test
  void run_rejectsNonPositiveRowNamingIt() throws Exception {
    Path in = csv("1e8,-5,3.0");
    int dataRows = parse(csv(null)).size();
    Path bad = csv("1e8,-5,3.0");
    SpecException e =
        assertThrows(
            SpecException.class,
            () ->
                FitCommand.run(
                    "--input",
                    bad.toString(),
                    "--out",
                    tmp.resolve("o").toString(),
                    "--bootstrap",
                    "0"));
    assertTrue(
        e.getMessage().startsWith("row " + (dataRows + 1) + " (line " + (dataRows + 2) + ") of"),
        e.getMessage());
    assertTrue(e.getMessage().contains("column D must be positive, found -5"), e.getMessage());
    assertTrue(Files.exists(in));
  }

  @Test
  void run_dropInvalidSkipsBadRowsAndSaysSo() throws Exception {
    int dataRows = parse(csv(null)).size();
    Path in = csv("1e8,,3.0");
    FitOutcome o =
        FitCommand.run(
            "--input",
            in.toString(),
            "--out",
            tmp.resolve("o").toString(),
            "--bootstrap",
            "0",
            "--grid",
            "coarse",
            "--form",
            "chinchilla",
            "--drop-invalid");
    assertEquals(dataRows, o.analysis().points().size());
    assertEquals(
        List.of("chinchilla"), o.analysis().fits().stream().map(f -> f.form().label()).toList());
    assertTrue(o.notes().get(0).contains("1 invalid rows dropped"), o.notes().toString());
  }

  @Test
  void run_readsParquetFolderKeepingOnlyFinishedTrials() throws Exception {
    Path in = csv(null);
    int dataRows = parse(in).size();
    Path trials = tmp.resolve("trials");
    Files.createDirectories(trials);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute(
          "COPY (SELECT 't' || row_number() OVER () AS trial_id, CAST(N AS BIGINT) AS n_params,"
              + " CAST(D AS BIGINT) AS tokens, loss AS final_eval_loss, 'finished' AS status FROM read_csv_auto('"
              + in
              + "') UNION ALL SELECT 'bad', 1000, 1000, 'NaN'::DOUBLE, 'diverged') TO '"
              + trials.resolve("part-0.parquet")
              + "' (FORMAT PARQUET)");
    }
    FitOutcome o =
        FitCommand.run(
            "--input",
            trials.toString(),
            "--out",
            tmp.resolve("o").toString(),
            "--bootstrap",
            "0",
            "--grid",
            "coarse",
            "--form",
            "kaplan");
    assertEquals(dataRows, o.analysis().points().size());
    assertEquals("1 rows excluded: status other than finished", o.notes().get(0));
  }

  /** Exit code and the one line on standard error of {@code sweep fit ARGS}. */
  private static Object[] exitAndError(String... args) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    int code;
    try {
      String[] all = new String[args.length + 1];
      all[0] = "fit";
      System.arraycopy(args, 0, all, 1, args.length);
      code = SweepMain.run(all);
    } finally {
      System.setErr(old);
    }
    return new Object[] {
      code, buf.toString(StandardCharsets.UTF_8).strip().lines().findFirst().orElse("")
    };
  }

  @Test
  void sweepFit_badInput_exitsWith2AndOneLineNamingFieldRuleAndValue() throws Exception {
    String in = csv(null).toString();
    String out = tmp.resolve("o").toString();
    Object[][] cases = {
      exitAndError("--input", in, "--out", out, "--form", "chinchila"),
      exitAndError("--input", in, "--out", out, "--huber-delta", "-1"),
      exitAndError("--input", in, "--out", out, "--grid", "dense"),
      exitAndError("--input", in, "--out", out, "--loss-col", "final_loss"),
      exitAndError("--input", tmp.resolve("missing.csv").toString(), "--out", out),
      exitAndError("--input", in, "--out", out, "--bootstrap", "-3"),
      exitAndError("--input", "nosuchfs://bucket/table.csv", "--out", out),
      exitAndError("--input", in, "--out", out, "--approach", "isoflop,chinchilla"),
      exitAndError("--input", in, "--out", out, "--compute-col", "flops"),
    };
    String[] expected = {
      "error: --form must be all or a comma-separated list of chinchilla, kaplan, power_n, power_d, found \"chinchila\"",
      "error: --huber-delta must be a finite number > 0, found \"-1\"",
      "error: --grid must be one of full, coarse, found \"dense\"",
      "error: --loss-col must be a column of "
          + in
          + " (columns are [N, D, loss]), found \"final_loss\"",
      "error: --input must be an existing CSV file or Parquet file or folder, found \""
          + tmp.resolve("missing.csv")
          + "\"",
      "error: --bootstrap must be a whole number >= 0, found \"-3\"",
      "error: --input must be a local path or a URI of a file system on the classpath (file:, hdfs:, s3a: with"
          + " hadoop-aws), found \"nosuchfs://bucket/table.csv\"",
      "error: --approach must be all or a comma-separated list of envelope, isoflop, parametric,"
          + " found \"isoflop,chinchilla\"",
      "error: --compute-col must be a column of "
          + in
          + " (columns are [N, D, loss]), found \"flops\"",
    };
    for (int i = 0; i < cases.length; i++) {
      assertEquals(2, cases[i][0], "exit code of case " + i + ": " + cases[i][1]);
      assertEquals(expected[i], cases[i][1]);
      assertFalse(((String) cases[i][1]).contains("\n"), "one line");
    }
  }

  /**
   * An IsoFLOP table with columns C, N, loss (no D): Chinchilla truth, 5 budgets of 9 sizes over
   * 16x centred on the true optimum.
   */
  private Path isoflopTable() throws Exception {
    double alpha = 0.34;
    double beta = 0.28;
    double g = Math.pow(alpha * 406.4 / (beta * 410.7), 1 / (alpha + beta));
    StringBuilder s = new StringBuilder("C,N,loss\n");
    Random rng = new Random(4);
    for (int k = 0; k < 5; k++) {
      double c = 1e18 * Math.pow(10, k * 0.75);
      double opt = g * Math.pow(c / 6, beta / (alpha + beta));
      for (int i = 0; i < 9; i++) {
        double n = opt * Math.pow(16, i / 8.0 - 0.5);
        double d = c / (6 * n);
        double loss =
            (1.69 + 406.4 / Math.pow(n, alpha) + 410.7 / Math.pow(d, beta))
                * Math.exp(0.001 * rng.nextGaussian());
        s.append(String.format(Locale.ROOT, "%.6e,%.6e,%.8f%n", c, n, loss));
      }
    }
    Path f = tmp.resolve("isoflop.csv");
    Files.writeString(f, s);
    return f;
  }

  @Test
  void run_computeColAndApproach_derivesDAndReportsChosenApproachesInJsonAndTable()
      throws Exception {
    Path in = isoflopTable();
    Path out = tmp.resolve("iso");
    FitOutcome[] outcome = new FitOutcome[1];
    String[] lines =
        stdout(
            () ->
                outcome[0] =
                    FitCommand.run(
                        "--input",
                        in.toString(),
                        "--out",
                        out.toString(),
                        "--compute-col",
                        "C",
                        "--approach",
                        "parametric,isoflop",
                        "--form",
                        "chinchilla",
                        "--bootstrap",
                        "100",
                        "--grid",
                        "coarse",
                        "--json"));
    JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
    JsonNode co = json.get("compute_optimal");
    assertEquals(
        List.of("parametric", "isoflop"),
        List.of(co.findValuesAsText("approach").toArray(new String[0])));
    double trueA = 0.28 / (0.34 + 0.28);
    double largest = 1e18 * Math.pow(10, 3.0);
    for (JsonNode e : co) {
      assertEquals(trueA, e.get("a").asDouble(), 0.01, e.toString());
      assertEquals(10 * largest, e.get("at_compute").asDouble(), 1e-6 * largest, e.toString());
      // Coverage of the truth is AllocationStudyTest's; here the interval brackets the estimate.
      assertTrue(
          e.get("ci").get("a").get(0).asDouble() <= e.get("a").asDouble()
              && e.get("a").asDouble() <= e.get("ci").get("a").get(1).asDouble(),
          e.toString());
    }
    // D derived from C = 6ND for every row.
    List<double[]> data = parse(in);
    for (int i = 0; i < data.size(); i++) {
      var p = outcome[0].analysis().points().get(i);
      assertEquals(data.get(i)[0] / (6 * data.get(i)[1]), p.d(), 1e-9 * p.d());
    }
    assertTrue(outcome[0].notes().get(0).contains("D derived"), outcome[0].notes().toString());
    String summary = String.join("\n", lines);
    assertTrue(summary.contains("isoflop    a="), summary);
    String html = Files.readString(out.resolve("report/index.html"));
    // The IsoFLOP design is drawn by its budgets, not per D (one point per D).
    Chart profiles = PageCharts.titled(html, "IsoFLOP profiles");
    List<Series> budgets =
        profiles.series().stream()
            .filter(x -> x.style() == Style.POINTS && x.name().startsWith("C="))
            .toList();
    assertEquals(5, budgets.size(), "one series per budget");
    budgets.forEach(b -> assertEquals(9, b.points().size(), b.name()));
    assertEquals(
        5,
        profiles.series().stream()
            .filter(x -> x.style() == Style.LINE && x.name().startsWith("C="))
            .count(),
        "one fitted parabola per budget");
    assertTrue(
        PageCharts.of(html).stream().noneMatch(x -> x.title().startsWith("Loss vs N for each D")),
        "no per-D view of an IsoFLOP design");
    Chart nOpt = PageCharts.titled(html, "N_opt vs compute");
    assertEquals(
        2,
        nOpt.series().stream().filter(x -> x.style() == Style.LINE).count(),
        "one N_opt line per approach applied");
    try (Connection conn = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT approach, estimate, ci_low, ci_high FROM read_parquet('"
                    + out.resolve("fits")
                    + "/*.parquet') WHERE form = 'compute_optimal' AND parameter = 'a'"
                    + " ORDER BY approach")) {
      assertTrue(rs.next());
      assertEquals("isoflop", rs.getString(1));
      assertEquals(co.get(1).get("a").asDouble(), rs.getDouble(2), 1e-12);
      assertTrue(rs.next());
      assertEquals("parametric", rs.getString(1));
      assertFalse(rs.next());
    }
  }

  @Test
  void run_computeColWithDOnly_derivesNFromC() throws Exception {
    // The same IsoFLOP table with D = C/(6N) in place of N.
    List<double[]> rows = parse(isoflopTable());
    StringBuilder csv = new StringBuilder("C,D,loss\n");
    for (double[] r : rows) {
      csv.append(String.format(Locale.ROOT, "%.6e,%.10e,%.8f%n", r[0], r[0] / (6 * r[1]), r[2]));
    }
    Path in = tmp.resolve("cd.csv");
    Files.writeString(in, csv);
    FitOutcome o =
        FitCommand.run(
            "--input",
            in.toString(),
            "--out",
            tmp.resolve("cd").toString(),
            "--compute-col",
            "C",
            "--approach",
            "isoflop",
            "--form",
            "chinchilla",
            "--bootstrap",
            "0",
            "--grid",
            "coarse");
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(rows.get(i)[1], o.analysis().points().get(i).n(), 1e-6 * rows.get(i)[1]);
    }
    assertTrue(o.notes().get(0).startsWith("N derived"), o.notes().toString());
    assertEquals(5, o.allocations().study().budgets().size(), "5 budgets of the given C");
    assertEquals(1, o.allocations().estimates().size());
  }

  @Test
  void run_replacesAnEarlierFitsAndReportBothOrNeither() throws Exception {
    Path in = csv(null);
    Path out = tmp.resolve("again");
    Files.createDirectories(out.resolve("fits"));
    Files.writeString(out.resolve("fits/part-00000.parquet"), "earlier fits");
    // An earlier report where the new one is a folder: writing it in place fails.
    Files.writeString(out.resolve("report"), "earlier report");
    RuntimeException failure = null;
    try {
      stdout(
          () ->
              FitCommand.run(
                  "--input",
                  in.toString(),
                  "--out",
                  out.toString(),
                  "--bootstrap",
                  "10",
                  "--grid",
                  "coarse"));
    } catch (RuntimeException e) {
      failure = e;
    }

    boolean fitsNew =
        !Files.readString(out.resolve("fits/part-00000.parquet"), StandardCharsets.ISO_8859_1)
            .equals("earlier fits");
    boolean reportNew = Files.isRegularFile(out.resolve("report/index.html"));
    assertEquals(fitsNew, reportNew, "both or neither replaced; the fit failed with " + failure);
    assertTrue(fitsNew && failure == null, "both replaced: " + failure);
    try (var files = Files.list(out)) {
      assertEquals(
          List.of("fits", "report"),
          files.map(p -> p.getFileName().toString()).sorted().toList(),
          "no staging folder is left");
    }
  }
}
