package dev.scaling.driver.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.driver.SweepMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./sweep fit} on hostile input: corrupt or truncated Parquet, random bytes as CSV, values
 * whose compute 6ND overflows, an --out that is a file, too few rows, and duplicated rows. Every
 * refusal is exit 2 with one printable line naming the input and the rule.
 */
class FitBadInputTest {
  @TempDir Path tmp;

  /** Chinchilla truth on a crossed 6 x 6 design, as CSV text with header N,D,loss. */
  private static String table(int rows) {
    StringBuilder s = new StringBuilder("N,D,loss\n");
    Random rng = new Random(1);
    for (int k = 0; k < rows; k++) {
      double n = 1e7 * Math.pow(300, (k / 6) / 5.0);
      double d = 1e9 * Math.pow(100, (k % 6) / 5.0);
      double loss =
          (1.69 + 406.4 / Math.pow(n, 0.34) + 410.7 / Math.pow(d, 0.28))
              * Math.exp(0.003 * rng.nextGaussian());
      s.append(String.format(Locale.ROOT, "%.6e,%.6e,%.8f%n", n, d, loss));
    }
    return s.toString();
  }

  /** Exit code, standard output and standard error of {@code sweep fit ARGS}. */
  private static Object[] fit(String... args) {
    PrintStream oldErr = System.err;
    PrintStream oldOut = System.out;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
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
    return new Object[] {
      code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8).strip()
    };
  }

  /** Exit 2 and exactly one short printable line on stderr that contains every {@code part}. */
  private void assertOneLineRefusal(Object[] r, String... parts) {
    String err = (String) r[2];
    assertEquals(2, r[0], "exit code; stderr:\n" + err);
    assertEquals(1, err.lines().count(), "one line, found:\n" + err);
    assertTrue(err.startsWith("error: "), err);
    assertTrue(err.length() < 400, "short: " + err.length() + " chars: " + err);
    assertTrue(err.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "printable ASCII only: " + err);
    for (String p : parts) {
      assertTrue(err.contains(p), "'" + p + "' in: " + err);
    }
  }

  private String out() {
    return tmp.resolve("out").toString();
  }

  @Test
  void fit_corruptParquetExitsWith2NamingTheFile() throws Exception {
    byte[] junk = new byte[2048];
    new Random(7).nextBytes(junk);
    System.arraycopy("PAR1".getBytes(StandardCharsets.US_ASCII), 0, junk, 0, 4);
    System.arraycopy("PAR1".getBytes(StandardCharsets.US_ASCII), 0, junk, junk.length - 4, 4);
    Path f = tmp.resolve("corrupt.parquet");
    Files.write(f, junk);
    assertOneLineRefusal(fit("--input", f.toString(), "--out", out()), "corrupt.parquet");
  }

  @Test
  void fit_truncatedParquetExitsWith2NamingTheFile() throws Exception {
    Path csv = tmp.resolve("t.csv");
    Files.writeString(csv, table(36));
    Path f = tmp.resolve("whole.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute(
          "COPY (SELECT * FROM read_csv_auto('" + csv + "')) TO '" + f + "' (FORMAT PARQUET)");
    }
    byte[] whole = Files.readAllBytes(f);
    Path cut = tmp.resolve("cut.parquet");
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
    assertOneLineRefusal(fit("--input", cut.toString(), "--out", out()), "cut.parquet");
  }

  @Test
  void fit_randomBytesCsvExitsWith2WithoutEchoingThem() throws Exception {
    byte[] junk = new byte[64 * 1024];
    new Random(11).nextBytes(junk);
    Path f = tmp.resolve("noise.csv");
    Files.write(f, junk);
    assertOneLineRefusal(fit("--input", f.toString(), "--out", out()), "noise.csv");
  }

  @Test
  void fit_computeOverflowExitsWith2NamingRowAndColumns() throws Exception {
    Path f = tmp.resolve("huge.csv");
    Files.writeString(f, table(36) + "1e300,1e300,2.5\n");
    assertOneLineRefusal(
        fit("--input", f.toString(), "--out", out()), "row 37", "huge.csv", "6ND", "1e300");
  }

  @Test
  void fit_outThatIsAFileIsRefusedBeforeFitting() throws Exception {
    Path f = tmp.resolve("t.csv");
    Files.writeString(f, table(36));
    Path file = tmp.resolve("taken");
    Files.writeString(file, "keep me");
    assertOneLineRefusal(fit("--input", f.toString(), "--out", file.toString()), "--out", "taken");
    assertEquals("keep me", Files.readString(file));
  }

  @Test
  void fit_tooFewRowsForAnyLawExitsWith2() throws Exception {
    Path f = tmp.resolve("few.csv");
    Files.writeString(f, table(3));
    assertOneLineRefusal(
        fit("--input", f.toString(), "--out", out()), "--input", "(3 usable rows)");
    assertFalse(Files.exists(tmp.resolve("out").resolve("report")), "no report written");
  }

  @Test
  void fit_exactDuplicateRowsAreCountedInTheSummary() throws Exception {
    Path f = tmp.resolve("dup.csv");
    String t = table(36);
    Files.writeString(f, t + t.substring(t.indexOf('\n') + 1));
    Object[] r =
        fit(
            "--input",
            f.toString(),
            "--out",
            out(),
            "--form",
            "chinchilla",
            "--grid",
            "coarse",
            "--bootstrap",
            "20");
    assertEquals(0, r[0], (String) r[2]);
    assertTrue(((String) r[1]).contains("36 exact duplicate rows"), (String) r[1]);
  }
}
