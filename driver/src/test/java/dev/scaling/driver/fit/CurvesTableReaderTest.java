package dev.scaling.driver.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.curve.Curve;
import dev.scaling.common.spec.SpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CurvesTableReader}: CSV and Parquet curves tables, renamed columns, a sweep's {@code
 * OUT/curves} with its trunks and branches, and every rule a table can break, each refused with a
 * message naming the row, the column and the run.
 */
class CurvesTableReaderTest {
  @TempDir Path tmp;

  private static final CurvesTableReader.Columns DEFAULTS = CurvesTableReader.Columns.defaults();

  private static final String TWO_RUNS =
      "run,step,lr,loss\n"
          + "a,0,0,\n"
          + "a,10,1e-3,5.5\n"
          + "a,20,1e-3,\n"
          + "a,30,5e-4,4.25\n"
          + "b,0,0,\n"
          + "b,100,2e-3,3.0\n";

  private Path write(String name, String text) throws Exception {
    Path f = tmp.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  private static CurvesTable read(Path p) {
    return read(p.toString(), DEFAULTS);
  }

  private static CurvesTable read(String p, CurvesTableReader.Columns cols) {
    return CurvesTableReader.read(p, new Configuration(), cols);
  }

  /** The message of the SpecException that reading {@code csv} throws. */
  private String refused(String csv) throws Exception {
    Path f = write("bad.csv", csv);
    return assertThrows(SpecException.class, () -> read(f)).getMessage();
  }

  private static void sql(String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  @Test
  void read_csvGivesOneCurvePerRunInTableOrderWithUnloggedStepsAsNaN() throws Exception {
    CurvesTable t = read(write("c.csv", TWO_RUNS));
    assertEquals(List.of("a", "b"), t.runs());
    assertEquals(CurvesTable.Layout.TABLE, t.layout());
    assertEquals("loss", t.lossColumn());
    Curve a = t.curve("a");
    assertArrayEquals(new long[] {0, 10, 20, 30}, a.steps());
    assertArrayEquals(new double[] {0, 1e-3, 1e-3, 5e-4}, a.lr());
    assertArrayEquals(new double[] {Double.NaN, 5.5, Double.NaN, 4.25}, a.loss());
    assertEquals(2, a.loggedLosses());
    // Rows are the schedule's knots: lr is linear between them.
    assertEquals(7.5e-4, a.lrAt(25), 1e-15);
    assertEquals(
        new Curve("b", new long[] {0, 100}, new double[] {0, 2e-3}, new double[] {Double.NaN, 3.0}),
        t.curve("b"));
  }

  @Test
  void read_renamedColumnsAndExtraColumns() throws Exception {
    Path f =
        write(
            "r.csv",
            "schedule,it,eta,train,note\n"
                + "x,1,1e-3,4.0,first\n"
                + "x,2,1e-3,3.5,\n"
                + "x,3,2e-4,3.25,last\n");
    CurvesTable t =
        read(f.toString(), new CurvesTableReader.Columns("schedule", "it", "eta", "train"));
    assertEquals("train", t.lossColumn());
    assertEquals(
        new Curve(
            "x",
            new long[] {1, 2, 3},
            new double[] {1e-3, 1e-3, 2e-4},
            new double[] {4.0, 3.5, 3.25}),
        t.curve("x"));
  }

  @Test
  void read_parquetFileAndFolderGiveTheSameCurvesAsCsv() throws Exception {
    Path csv = write("c.csv", TWO_RUNS);
    Path folder = tmp.resolve("pq");
    Files.createDirectories(folder);
    Path file = folder.resolve("part-00000.parquet");
    // DuckDB writes the Parquet (an independent writer): step BIGINT, lr and loss DOUBLE, nulls.
    sql(
        "COPY (SELECT run, CAST(step AS BIGINT) AS step, CAST(lr AS DOUBLE) AS lr,"
            + " CAST(loss AS DOUBLE) AS loss FROM read_csv('"
            + csv
            + "', header=true, all_varchar=true)) TO '"
            + file
            + "' (FORMAT PARQUET)");
    CurvesTable fromCsv = read(csv);
    assertEquals(fromCsv.curves(), read(file).curves());
    assertEquals(fromCsv.curves(), read(folder).curves());
  }

  @Test
  void read_parquetDecimalColumnsAreReadAsTheirValuesNotUnscaled() throws Exception {
    Path f = tmp.resolve("dec.parquet");
    // DuckDB types the literals 0.001 and 3.8 as DECIMAL (INT32 unscaled 1 and 38 in Parquet) and a
    // DECIMAL(30,10) as a fixed-length byte array.
    sql(
        "COPY (SELECT run, step, lr, loss, CAST(loss AS DECIMAL(30, 10)) AS wide FROM (VALUES"
            + " ('a', 1, 0.001, 3.8), ('a', 2, 0.0005, 3.25)) AS v(run, step, lr, loss)) TO '"
            + f
            + "' (FORMAT PARQUET)");
    Curve a = read(f).curve("a");
    assertArrayEquals(new double[] {1e-3, 5e-4}, a.lr());
    assertArrayEquals(new double[] {3.8, 3.25}, a.loss());
    assertArrayEquals(
        new double[] {3.8, 3.25},
        read(f.toString(), new CurvesTableReader.Columns(null, null, null, "wide"))
            .curve("a")
            .loss());
  }

  /**
   * A sweep's OUT/curves as {@code ResultTables} writes it: trunk t's rows up to its furthest fork
   * (400) under trial_id t, branch b1 (forked at 200) and b2 (forked at 400) with only their rows
   * after the fork, a trial u without a trunk; rows out of order, eval_loss null where not
   * evaluated.
   */
  private Path sweepOut() throws Exception {
    Path out = tmp.resolve("OUT");
    Files.createDirectories(out.resolve("curves"));
    Files.createDirectories(out.resolve("trials"));
    String rows =
        String.join(
            ",",
            // trial_id, step, tokens, lr, train_loss, eval_loss, bpb, trunk_id
            "('b1', 300, 3000, 5e-4, 3.9, 3.8, 1.0, 't')",
            "('t', 0, 0, 0.0, NULL, NULL, NULL, 't')",
            "('t', 100, 1000, 1e-3, 5.1, 5.0, 1.0, 't')",
            "('t', 200, 2000, 1e-3, 4.6, NULL, NULL, 't')",
            "('t', 300, 3000, 1e-3, 4.3, 4.2, 1.0, 't')",
            "('t', 400, 4000, 1e-3, 4.1, 4.0, 1.0, 't')",
            "('b1', 400, 4000, 1e-4, 3.6, 3.5, 1.0, 't')",
            "('b1', 500, 5000, 0.0, 3.5, 3.4, 1.0, 't')",
            "('b2', 600, 6000, 0.0, 3.3, 3.2, 1.0, 't')",
            "('b2', 500, 5000, 2e-4, 3.6, 3.5, 1.0, 't')",
            "('u', 0, 0, 0.0, NULL, NULL, NULL, NULL)",
            "('u', 50, 500, 1e-3, 6.0, 5.9, 1.0, NULL)",
            "('u', 100, 1000, 1e-3, 5.5, 5.4, 1.0, NULL)");
    sql(
        "CREATE TABLE curves (trial_id VARCHAR, step BIGINT, tokens BIGINT, lr DOUBLE,"
            + " train_loss DOUBLE, eval_loss DOUBLE, eval_bits_per_byte DOUBLE, trunk_id VARCHAR)",
        "INSERT INTO curves VALUES " + rows,
        "COPY curves TO '"
            + out.resolve("curves/part-00000-abc.snappy.parquet")
            + "' (FORMAT PARQUET, COMPRESSION SNAPPY)");
    Files.writeString(out.resolve("curves/_SUCCESS"), "");
    return out;
  }

  @Test
  void read_sweepOutJoinsEachBranchToItsTrunkBeforeItsFirstStep() throws Exception {
    Path out = sweepOut();
    double nan = Double.NaN;
    // OUT, OUT/curves, OUT/ and OUT as a Hadoop file: URI.
    for (String given :
        List.of(
            out.toString(), out.resolve("curves").toString(), out + "/", out.toUri().toString())) {
      CurvesTable t = read(given, DEFAULTS);
      assertEquals(CurvesTable.Layout.SWEEP, t.layout(), given);
      assertEquals("eval_loss", t.lossColumn());
      assertTrue(t.source().endsWith("curves"), t.source());
      assertEquals(List.of("b1", "t", "b2", "u"), t.runs());
      // b1's own rows start at 300: the trunk's 0, 100, 200 come first.
      assertEquals(
          new Curve(
              "b1",
              new long[] {0, 100, 200, 300, 400, 500},
              new double[] {0, 1e-3, 1e-3, 5e-4, 1e-4, 0},
              new double[] {nan, 5.0, nan, 3.8, 3.5, 3.4}),
          t.curve("b1"));
      // b2 starts at 500: the whole trunk (to 400) comes first.
      assertEquals(
          new Curve(
              "b2",
              new long[] {0, 100, 200, 300, 400, 500, 600},
              new double[] {0, 1e-3, 1e-3, 1e-3, 1e-3, 2e-4, 0},
              new double[] {nan, 5.0, nan, 4.2, 4.0, 3.5, 3.2}),
          t.curve("b2"));
      assertEquals(
          new Curve(
              "t",
              new long[] {0, 100, 200, 300, 400},
              new double[] {0, 1e-3, 1e-3, 1e-3, 1e-3},
              new double[] {nan, 5.0, nan, 4.2, 4.0}),
          t.curve("t"));
      assertArrayEquals(new long[] {0, 50, 100}, t.curve("u").steps());
      assertTrue(t.notes().isEmpty(), t.notes().toString());
    }
    CurvesTable train =
        read(out.toString(), new CurvesTableReader.Columns(null, null, null, "train_loss"));
    assertEquals("train_loss", train.lossColumn());
    assertArrayEquals(new double[] {nan, 5.1, 4.6, 3.9, 3.6, 3.5}, train.curve("b1").loss());
  }

  @Test
  void read_sweepBranchWithoutTrunkRowsIsNoted() throws Exception {
    Path f = tmp.resolve("c.parquet");
    sql(
        "COPY (SELECT trial_id, step, CAST(lr AS DOUBLE) AS lr, CAST(eval_loss AS DOUBLE) AS"
            + " eval_loss, trunk_id FROM (VALUES ('b', 300, 5e-4, 3.8, 't'), ('b', 400, 1e-4, 3.5,"
            + " 't')) AS v(trial_id, step, lr, eval_loss, trunk_id)) TO '"
            + f
            + "' (FORMAT PARQUET)");
    CurvesTable t = read(f);
    assertArrayEquals(new long[] {300, 400}, t.curve("b").steps());
    assertEquals(1, t.notes().size());
    assertTrue(t.notes().get(0).contains("branch b: its trunk t has no rows"), t.notes().get(0));
  }

  @Test
  void read_sweepRepeatedStepIsRefusedNamingRunAndRows() throws Exception {
    Path f = tmp.resolve("d.parquet");
    sql(
        "COPY (SELECT trial_id, step, lr, CAST(eval_loss AS DOUBLE) AS eval_loss FROM (VALUES"
            + " ('u', 100, 1e-3, 3.8), ('u', 200, 1e-3, 3.5), ('u', 100, 1e-3, 3.7))"
            + " AS v(trial_id, step, lr, eval_loss)) TO '"
            + f
            + "' (FORMAT PARQUET)");
    String m = assertThrows(SpecException.class, () -> read(f)).getMessage();
    assertEquals(
        "--curves: "
            + f
            + ": column step must not repeat within run u, found step 100 at row 1 of "
            + f
            + " and row 3 of "
            + f,
        m);
  }

  @Test
  void read_missingColumnsAreRefusedNamingTheOptionAndTheColumnsFound() throws Exception {
    Path f = write("m.csv", "run,step,rate,loss\na,1,1e-3,4\n");
    String m = assertThrows(SpecException.class, () -> read(f)).getMessage();
    assertEquals(
        "--lr-col: no column lr in "
            + f
            + "; columns are [run, step, rate, loss] (name the column with --lr-col)",
        m);
    m =
        assertThrows(
                SpecException.class,
                () -> read(f.toString(), new CurvesTableReader.Columns(null, null, "eta", null)))
            .getMessage();
    assertEquals(
        "--lr-col must be a column of "
            + f
            + " (columns are [run, step, rate, loss]), found \"eta\"",
        m);
    Path g = write("n.csv", "run,step,lr\na,1,1e-3\n");
    assertTrue(
        assertThrows(SpecException.class, () -> read(g))
            .getMessage()
            .startsWith("--loss-col: no column loss in "));
    Path h = write("o.csv", "name,step,lr,loss\na,1,1e-3,4\n");
    assertTrue(
        assertThrows(SpecException.class, () -> read(h))
            .getMessage()
            .startsWith("--run-col: no column run in "));
    Path k = write("p.csv", "run,iter,lr,loss\na,1,1e-3,4\n");
    assertTrue(
        assertThrows(SpecException.class, () -> read(k))
            .getMessage()
            .startsWith("--step-col: no column step in "));
  }

  @Test
  void read_badLearningRatesAreRefusedNamingRowLineColumnAndRun() throws Exception {
    String head = "run,step,lr,loss\na,0,0,\na,10,1e-3,4.0\n";
    Path f = tmp.resolve("bad.csv");
    for (String lr : List.of("NaN", "Infinity", "-1e-3", "fast")) {
      assertEquals(
          "--curves: row 3 (line 4) of "
              + f
              + ": column lr must be a finite number >= 0, found \""
              + lr
              + "\" (run a)",
          refused(head + "a,20," + lr + ",3.9\n"),
          lr);
    }
    assertEquals(
        "--curves: row 3 (line 4) of "
            + f
            + ": column lr must be a finite number >= 0, found nothing (empty) (run a)",
        refused(head + "a,20,,3.9\n"));
  }

  @Test
  void read_badStepsAndLossesAndRunsAreRefusedNamingRowColumnAndRun() throws Exception {
    String head = "run,step,lr,loss\na,0,0,\n";
    Path f = tmp.resolve("bad.csv");
    String at = "--curves: row 2 (line 3) of " + f + ": column ";
    for (String step : List.of("-5", "1.5", "ten")) {
      assertEquals(
          at + "step must be a whole number >= 0, found \"" + step + "\" (run a)",
          refused(head + "a," + step + ",1e-3,4\n"));
    }
    for (String loss : List.of("0", "-2", "NaN", "inf", "x")) {
      assertEquals(
          at
              + "loss must be empty (not logged) or a finite number > 0, found \""
              + loss
              + "\" (run a)",
          refused(head + "a,10,1e-3," + loss + "\n"));
    }
    assertEquals(
        at + "run must be a run name (not empty), found nothing (empty)",
        refused(head + ",10,1e-3,4\n"));
    // A step written as a whole decimal (a float column) is accepted.
    assertArrayEquals(
        new long[] {0, 10}, read(write("ok.csv", head + "a,10.0,1e-3,4\n")).curve("a").steps());
  }

  @Test
  void read_stepsNotIncreasingWithinARunAreRefusedNamingBothRows() throws Exception {
    Path f = tmp.resolve("bad.csv");
    String m = refused("run,step,lr,loss\na,0,0,\nb,5,1e-3,4\na,10,1e-3,4\na,10,1e-3,3.9\n");
    assertEquals(
        "--curves: row 4 (line 5) of "
            + f
            + ": column step must be strictly increasing within run a, found 10 after 10 at row 3"
            + " (line 4) of "
            + f,
        m);
    assertTrue(refused("run,step,lr,loss\na,20,0,\na,10,1e-3,4\n").contains("found 10 after 20"));
  }

  @Test
  void read_missingOrEmptyTablesAreRefused() throws Exception {
    Path f = write("h.csv", "run,step,lr,loss\n");
    assertEquals(
        "--curves: " + f + " has a header but no rows",
        assertThrows(SpecException.class, () -> read(f)).getMessage());
    Path missing = tmp.resolve("none.csv");
    assertEquals(
        "--curves must be an existing CSV file or Parquet file or folder, found \""
            + missing
            + "\"",
        assertThrows(SpecException.class, () -> read(missing)).getMessage());
  }
}
