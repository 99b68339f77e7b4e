package dev.scaling.driver.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FitCommandTest {
  @TempDir Path tmp;

  /** Chinchilla truth (E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28) on a crossed 6 x 6 design. */
  private Path csv(String extraRow) throws Exception {
    StringBuilder s = new StringBuilder("N,D,loss\n");
    Random rng = new Random(1);
    for (int i = 0; i < 6; i++) {
      double n = 1e7 * Math.pow(300, i / 5.0);
      for (int j = 0; j < 6; j++) {
        double d = 1e9 * Math.pow(100, j / 5.0);
        double loss = (1.69 + 406.4 / Math.pow(n, 0.34) + 410.7 / Math.pow(d, 0.28)) * Math.exp(0.003 * rng.nextGaussian());
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

  @Test
  void run_fitsCsvWritesParquetReportAndJsonLastLine() throws Exception {
    Path in = csv(null);
    Path out = tmp.resolve("out");
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    FitOutcome outcome;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      outcome = FitCommand.run("--input", in.toString(), "--out", out.toString(), "--bootstrap", "30",
          "--grid", "coarse", "--json");
    } finally {
      System.setOut(old);
    }
    String[] lines = buf.toString(StandardCharsets.UTF_8).strip().split("\n");
    JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
    assertEquals(36, json.get("n").asInt());
    assertEquals("chinchilla", json.get("fits").get(0).get("form").asText());
    assertEquals("kaplan", json.get("fits").get(1).get("form").asText());
    assertEquals(0.34, json.get("fits").get(0).get("params").get("alpha").asDouble(), 0.03);
    assertEquals(2, json.get("fits").get(0).get("ci").get("alpha").size());
    assertTrue(json.get("fits").get(1).get("params").has("alphaN"));
    assertTrue(Files.isRegularFile(out.resolve("report/index.html")));
    String html = Files.readString(out.resolve("report/index.html"));
    assertTrue(html.contains("data:image/png;base64,"), "plots are embedded");
    assertEquals(out.resolve("fits/part-00000.parquet"), outcome.fitsFile());
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT form), min(n_points), max(delta) FROM read_parquet('"
            + out.resolve("fits") + "/*.parquet')")) {
      rs.next();
      assertEquals(FitsTable.rows(outcome.analysis()).size(), rs.getInt(1));
      assertEquals(4, rs.getInt(2), "chinchilla, kaplan, power_n, power_d");
      assertEquals(6, rs.getInt(3), "single-variable laws use 6 rows");
      assertEquals(1e-3, rs.getDouble(4), 0);
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT estimate, ci_low, ci_high FROM read_parquet('" + out.resolve("fits")
            + "/*.parquet') WHERE form = 'chinchilla' AND parameter = 'alpha'")) {
      rs.next();
      assertTrue(rs.getDouble(2) <= rs.getDouble(1) && rs.getDouble(1) <= rs.getDouble(3));
    }
  }

  @Test
  void run_rejectsNonPositiveRowNamingIt() throws Exception {
    Path in = csv("1e8,-5,3.0");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FitCommand.run("--input", in.toString(), "--out", tmp.resolve("o").toString(), "--bootstrap", "0"));
    assertTrue(e.getMessage().startsWith("row 37 (line 38) of"), e.getMessage());
    assertTrue(e.getMessage().contains("column D must be positive, found -5"), e.getMessage());
  }

  @Test
  void run_dropInvalidSkipsBadRowsAndSaysSo() throws Exception {
    Path in = csv("1e8,,3.0");
    FitOutcome o = FitCommand.run("--input", in.toString(), "--out", tmp.resolve("o").toString(),
        "--bootstrap", "0", "--grid", "coarse", "--form", "chinchilla", "--drop-invalid");
    assertEquals(36, o.analysis().points().size());
    assertTrue(o.notes().get(0).contains("1 invalid rows dropped"), o.notes().toString());
  }

  @Test
  void run_readsParquetFolderKeepingOnlyFinishedTrials() throws Exception {
    Path in = csv(null);
    Path trials = tmp.resolve("trials");
    Files.createDirectories(trials);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      st.execute("COPY (SELECT 't' || row_number() OVER () AS trial_id, CAST(N AS BIGINT) AS n_params,"
          + " CAST(D AS BIGINT) AS tokens, loss AS final_eval_loss, 'finished' AS status FROM read_csv_auto('" + in
          + "') UNION ALL SELECT 'bad', 1000, 1000, 'NaN'::DOUBLE, 'diverged') TO '" + trials.resolve("part-0.parquet")
          + "' (FORMAT PARQUET)");
    }
    FitOutcome o = FitCommand.run("--input", trials.toString(), "--out", tmp.resolve("o").toString(),
        "--bootstrap", "0", "--grid", "coarse", "--form", "kaplan");
    assertEquals(36, o.analysis().points().size());
    assertEquals("1 rows excluded: status other than finished", o.notes().get(0));
  }
}
