package dev.scaling.driver.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaling.driver.SweepMain;
import dev.scaling.driver.report.chart.Chart;
import dev.scaling.driver.report.chart.PageCharts;
import dev.scaling.driver.report.chart.Scale;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./sweep fit --form hparams} end to end on CSV tables written here: the JSON line (read
 * with Jackson) and the fits table (read back with DuckDB) against least squares computed here, and
 * bad input refused with exit 2 before any file is written.
 */
class HparamsCommandTest {
  @TempDir Path tmp;

  /** One generated run: N, D, lr, batch tokens, loss, smoothed loss. */
  private record Run(double n, double d, double lr, double batch, double loss, double smooth) {
    double rank(boolean smoothed) {
      return smoothed ? smooth : loss;
    }
  }

  /**
   * 3 N x 4 D = 12 cells of 4 learning rates x 3 batch sizes (144 runs) around lr* = 1.79 N^-0.713
   * D^0.307 and B* = 0.58 D^0.571, each cell's optimum scattered by exp(0.2 z); the smoothed loss
   * is the loss with a little more noise, so it ranks some cells differently.
   */
  private static List<Run> grid() {
    Random rng = new Random(3);
    List<Run> runs = new ArrayList<>();
    for (double n : new double[] {3e7, 1.5e8, 7.5e8}) {
      for (double d : new double[] {1e9, 3e9, 9e9, 2.7e10}) {
        double lrOpt = 1.79 * Math.pow(n, -0.713) * Math.pow(d, 0.307) * Math.exp(0.2 * g(rng));
        double bsOpt = 0.58 * Math.pow(d, 0.571) * Math.exp(0.2 * g(rng));
        for (int i = 0; i < 4; i++) {
          for (int j = 0; j < 3; j++) {
            double lr = lrOpt * Math.pow(2, (i - 1.5) / 2);
            double bs = Math.rint(bsOpt * Math.pow(2, j - 1));
            double pen = 0.01 * sq(Math.log(lr / lrOpt)) + 0.01 * sq(Math.log(bs / bsOpt));
            double loss = 3 * (1 + pen) * Math.exp(0.0005 * g(rng));
            runs.add(new Run(n, d, lr, bs, loss, loss * Math.exp(0.001 * g(rng))));
          }
        }
      }
    }
    return runs;
  }

  private static double g(Random rng) {
    return rng.nextGaussian();
  }

  private static double sq(double v) {
    return v * v;
  }

  /** Per (N, D), the runs within {@code tol} of the cell's best (smoothed) loss. */
  private static List<Run> kept(List<Run> runs, double tol, boolean smoothed) {
    Map<List<Double>, List<Run>> cells = new LinkedHashMap<>();
    runs.forEach(r -> cells.computeIfAbsent(List.of(r.n(), r.d()), k -> new ArrayList<>()).add(r));
    List<Run> out = new ArrayList<>();
    for (List<Run> cell : cells.values()) {
      double best = cell.stream().mapToDouble(r -> r.rank(smoothed)).min().orElseThrow();
      cell.stream().filter(r -> r.rank(smoothed) <= best * (1 + tol)).forEach(out::add);
    }
    return out;
  }

  /**
   * Least squares of log y on log N and log D (or log D alone): the normal equations of the centred
   * variables solved by Cramer's rule. Returns {exp(intercept), N slope, D slope}.
   */
  private static double[] ownLaw(List<Run> runs, boolean batch, boolean withN) {
    int m = runs.size();
    double mx = 0;
    double mz = 0;
    double my = 0;
    for (Run r : runs) {
      mx += Math.log(r.n()) / m;
      mz += Math.log(r.d()) / m;
      my += Math.log(batch ? r.batch() : r.lr()) / m;
    }
    double sxx = 0;
    double szz = 0;
    double sxz = 0;
    double sxy = 0;
    double szy = 0;
    for (Run r : runs) {
      double x = Math.log(r.n()) - mx;
      double z = Math.log(r.d()) - mz;
      double y = Math.log(batch ? r.batch() : r.lr()) - my;
      sxx += x * x;
      szz += z * z;
      sxz += x * z;
      sxy += x * y;
      szy += z * y;
    }
    double a;
    double b;
    if (withN) {
      double det = sxx * szz - sxz * sxz;
      a = (sxy * szz - sxz * szy) / det;
      b = (sxx * szy - sxy * sxz) / det;
    } else {
      a = 0;
      b = szy / szz;
    }
    return new double[] {Math.exp(my - a * mx - b * mz), a, b};
  }

  private Path write(String header, List<String> lines) throws Exception {
    Path f = tmp.resolve("grid.csv");
    Files.writeString(f, header + "\n" + String.join("\n", lines) + "\n");
    return f;
  }

  /** The grid with a sweep's trials-table column names, plus a failed and a diverged trial. */
  private Path trialsCsv(List<Run> runs) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      Run r = runs.get(i);
      lines.add(
          String.format(
              Locale.ROOT,
              "t%d,%.0f,%.0f,%.17g,%.0f,%.17g,finished",
              i,
              r.n(),
              r.d(),
              r.lr(),
              r.batch(),
              r.loss()));
    }
    lines.add("failed,3e7,1e9,1e-3,65536,,failed");
    lines.add("diverged,3e7,1e9,1,65536,NaN,finished");
    return write(
        "trial_id,n_params,tokens,learning_rate,batch_tokens,final_eval_loss,status", lines);
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
  void runHparams_trialsTableDefaults_jsonAndFitsEqualOwnLeastSquares() throws Exception {
    List<Run> runs = grid();
    Path in = trialsCsv(runs);
    Path out = tmp.resolve("out");
    HparamsOutcome[] done = new HparamsOutcome[1];
    String[] lines =
        stdout(
            () ->
                done[0] =
                    FitCommand.runHparams(
                        "--input",
                        in.toString(),
                        "--form",
                        "hparams",
                        "--out",
                        out.toString(),
                        "--bootstrap",
                        "300",
                        "--json"));
    List<Run> kept = kept(runs, 0.0025, false);
    double[] lr = ownLaw(kept, false, true);
    double[] bs = ownLaw(kept, true, false);

    JsonNode h = new ObjectMapper().readTree(lines[lines.length - 1]).get("hparams");
    assertEquals(12, h.get("cells").asInt());
    assertEquals(runs.size(), h.get("runs").asInt(), "the failed and diverged rows are left out");
    assertEquals(kept.size(), h.get("runs_kept").asInt());
    assertEquals(lr[0], h.get("lr_c").asDouble(), 1e-9 * lr[0]);
    assertEquals(lr[1], h.get("lr_a_N").asDouble(), 1e-9);
    assertEquals(lr[2], h.get("lr_b_D").asDouble(), 1e-9);
    assertEquals(bs[0], h.get("bs_c").asDouble(), 1e-9 * bs[0]);
    assertEquals(bs[2], h.get("bs_e_D").asDouble(), 1e-9);
    assertFalse(h.has("bs_a_N"), "B* on D alone by default");
    for (String p : List.of("lr_c", "lr_a_N", "lr_b_D", "bs_c", "bs_e_D")) {
      JsonNode ci = h.get("ci").get(p);
      assertEquals(2, ci.size(), p);
      assertTrue(
          ci.get(0).asDouble() <= h.get(p).asDouble()
              && h.get(p).asDouble() <= ci.get(1).asDouble(),
          p + " estimate inside its interval " + ci);
    }
    String text = String.join("\n", lines);
    assertTrue(text.contains("12 (N, D) cells, " + runs.size() + " runs"), text);
    assertTrue(text.contains("lr*(N, D) = "), text);
    assertTrue(text.contains("1 rows excluded: status other than finished"), text);
    assertTrue(text.contains("1 rows excluded: non-finite loss"), text);

    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT parameter, estimate, ci_low, ci_high, n_points, form FROM read_parquet('"
                    + out.resolve("fits")
                    + "/*.parquet')")) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        String p = rs.getString(1);
        names.add(p);
        assertEquals("hparams", rs.getString(6));
        assertEquals(h.get(p).asDouble(), rs.getDouble(2), 0, p);
        assertEquals(h.get("ci").get(p).get(0).asDouble(), rs.getDouble(3), 0, p);
        assertEquals(h.get("ci").get(p).get(1).asDouble(), rs.getDouble(4), 0, p);
        assertEquals(kept.size(), rs.getInt(5), p);
      }
      assertEquals(List.of("lr_c", "lr_a_N", "lr_b_D", "bs_c", "bs_e_D"), names);
    }
    String report = Files.readString(done[0].report());
    assertTrue(report.contains("<h2>Hyperparameters</h2>"));
    Chart lrChart = PageCharts.titled(report, "Optimal learning rate");
    assertEquals(Scale.LOG, lrChart.x().scale());
    assertEquals(
        kept.size(),
        lrChart.series().stream()
            .filter(x -> x.style() == Style.POINTS)
            .mapToInt(x -> x.points().size())
            .sum(),
        "every kept run on the learning-rate chart");
  }

  @Test
  void runHparams_plainNamesSmoothedLossAndBatchOnND_equalOwnLeastSquares() throws Exception {
    List<Run> runs = grid();
    List<String> lines = new ArrayList<>();
    for (Run r : runs) {
      lines.add(
          String.format(
              Locale.ROOT,
              "%.0f,%.0f,%.17g,%.0f,%.17g,%.17g",
              r.n(),
              r.d(),
              r.lr(),
              r.batch(),
              r.loss(),
              r.smooth()));
    }
    Path in = write("N,D,lr,batch,loss,smooth_loss", lines);
    double tol = 0.003;
    List<Run> kept = kept(runs, tol, true);
    assertFalse(
        kept.equals(kept(runs, tol, false)), "the smoothed loss selects other runs than the loss");
    HparamsOutcome[] done = new HparamsOutcome[1];
    String[] out =
        stdout(
            () ->
                done[0] =
                    FitCommand.runHparams(
                        "--input",
                        in.toString(),
                        "--form",
                        "hparams",
                        "--out",
                        tmp.resolve("out").toString(),
                        "--tolerance",
                        String.valueOf(tol),
                        "--bs-on",
                        "N,D",
                        "--bootstrap",
                        "0",
                        "--json"));
    JsonNode h = new ObjectMapper().readTree(out[out.length - 1]).get("hparams");
    double[] lr = ownLaw(kept, false, true);
    double[] bs = ownLaw(kept, true, true);
    assertEquals(kept.size(), h.get("runs_kept").asInt());
    assertEquals(lr[1], h.get("lr_a_N").asDouble(), 1e-9);
    assertEquals(lr[2], h.get("lr_b_D").asDouble(), 1e-9);
    assertEquals(bs[0], h.get("bs_c").asDouble(), 1e-9 * bs[0]);
    assertEquals(bs[1], h.get("bs_a_N").asDouble(), 1e-9);
    assertEquals(bs[2], h.get("bs_e_D").asDouble(), 1e-9);
    assertEquals(0, h.get("ci").size(), "no bootstrap, no intervals");
    assertTrue(String.join("\n", out).contains("ranked by their smoothed loss"));
  }

  /** Exit code and standard error of {@code sweep fit ARGS}. */
  private static Object[] fit(String... args) {
    PrintStream oldErr = System.err;
    PrintStream oldOut = System.out;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    int code;
    try {
      String[] all = new String[args.length + 1];
      all[0] = "fit";
      System.arraycopy(args, 0, all, 1, args.length);
      code = SweepMain.run(all);
    } finally {
      System.setErr(oldErr);
      System.setOut(oldOut);
    }
    return new Object[] {code, err.toString(StandardCharsets.UTF_8).strip()};
  }

  /** Exit 2, one error line on stderr holding every part, and nothing written under OUT. */
  private void assertRefused(Object[] r, String... parts) {
    String err = (String) r[1];
    assertEquals(2, r[0], "exit code; stderr:\n" + err);
    // One line; an option's own rule (picocli's converter) adds the "see --help" hint.
    List<String> lines = err.lines().toList();
    assertTrue(
        lines.size() == 1 || (lines.size() == 2 && lines.get(1).contains("--help")),
        "one line: " + err);
    for (String p : parts) {
      assertTrue(lines.get(0).contains(p), "'" + p + "' in: " + err);
    }
    assertFalse(Files.exists(tmp.resolve("out").resolve("fits")), "no fits/ written: " + err);
    assertFalse(Files.exists(tmp.resolve("out").resolve("report")), "no report/ written");
  }

  private String[] hparams(Path in, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--input",
                in.toString(),
                "--form",
                "hparams",
                "--out",
                tmp.resolve("out").toString()));
    args.addAll(List.of(more));
    return args.toArray(new String[0]);
  }

  @Test
  void fit_badHparamsInputExitsWith2BeforeWritingAnything() throws Exception {
    Path good = trialsCsv(grid());

    Path oneCell =
        write(
            "N,D,lr,batch,loss",
            List.of(
                "1e8,1e10,1e-3,65536,3.1", "1e8,1e10,2e-3,65536,3.0", "1e8,1e10,4e-3,65536,3.2"));
    assertRefused(fit(hparams(oneCell)), "--input", "one (N, D) cell", ">= 3 (N, D) cells");

    Path negative =
        write(
            "N,D,lr,batch,loss",
            List.of("1e8,1e10,1e-3,65536,3.1", "1e8,1e10,-2e-3,65536,3.0", "2e8,1e10,1e-3,1,3"));
    assertRefused(
        fit(hparams(negative)),
        "row 2 (line 3)",
        "column lr must be positive and finite",
        "-0.002");

    Path noBatch = write("N,D,lr,loss", List.of("1e8,1e10,1e-3,3.1"));
    assertRefused(fit(hparams(noBatch)), "--batch-col", "batch_tokens", "batch");

    good = trialsCsv(grid());
    assertRefused(fit(hparams(good, "--lr-col", "eta")), "--lr-col", "eta");
    assertRefused(fit(hparams(good, "--tolerance", "1")), "--tolerance", "[0, 1)");
    assertRefused(fit(hparams(good, "--tolerance", "-0.01")), "--tolerance", "[0, 1)");
    assertRefused(fit(hparams(good, "--bs-on", "N")), "--bs-on", "[D, N,D]", "\"N\"");
    assertRefused(fit(hparams(good, "--grid", "coarse")), "--grid", "absent with --form hparams");

    // An option only hparams reads, given to the plain table fit.
    assertRefused(
        fit(
            "--input",
            good.toString(),
            "--out",
            tmp.resolve("out").toString(),
            "--tolerance",
            "0.01"),
        "--tolerance",
        "without --form hparams");
    assertRefused(
        fit("--input", good.toString(), "--out", tmp.resolve("out").toString(), "--batch-col", "b"),
        "--batch-col",
        "without --form hparams or --form batch");
  }
}
