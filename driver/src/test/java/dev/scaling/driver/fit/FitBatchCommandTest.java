package dev.scaling.driver.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.batch.BcritLawFit;
import dev.scaling.common.batch.CriticalBatch;
import dev.scaling.common.batch.KaplanSFit;
import dev.scaling.driver.SweepMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./sweep fit --form batch} end to end on a Parquet table generated from known laws (every
 * B_crit, B_crit(L) per model and pooled, L(N, S_min) recovered), and on bad input: each refusal
 * exits 2 naming the field, the rule and the value, and writes no {@code fits/}.
 */
class FitBatchCommandTest {
  private static final double B_STAR = 2e8;
  private static final double ALPHA_B = 0.21;
  private static final double N_C = 1e8;
  private static final double ALPHA_N = 0.3;
  private static final double S_C = 2000;
  private static final double ALPHA_S = 0.76;
  private static final double[] N = {1e7, 3e7, 1e8};
  private static final double[] TARGETS = {2.6, 3.0, 3.5};

  @TempDir Path tmp;

  /** B_crit at loss L by Kaplan's eq. 5.2 with the constants above. */
  private static double bCrit(double loss) {
    return B_STAR / Math.pow(loss, 1 / ALPHA_B);
  }

  /** S_min at which L(N, S_min) reaches {@code loss}, from the law above solved for S_min. */
  private static double sMin(double n, double loss) {
    return S_C / Math.pow(loss - Math.pow(N_C / n, ALPHA_N), 1 / ALPHA_S);
  }

  /** 3 models x 3 targets x 6 batch sizes, steps exactly S_min + E_min / B, as Parquet. */
  private Path parquet() throws Exception {
    MessageType schema =
        MessageTypeParser.parseMessageType(
            "message t { required binary model (STRING); required double N;"
                + " required double target_loss; required double batch_tokens;"
                + " required double steps; }");
    Path f = tmp.resolve("steps.parquet");
    SimpleGroupFactory g = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(new LocalOutputFile(f)).withType(schema).build()) {
      for (double n : N) {
        for (double loss : TARGETS) {
          double s = sMin(n, loss);
          for (int k = 0; k < 6; k++) {
            double b = 32768 * Math.pow(2, 2 * k);
            w.write(
                g.newGroup()
                    .append("model", "m" + (long) n)
                    .append("N", n)
                    .append("target_loss", loss)
                    .append("batch_tokens", b)
                    .append("steps", s + s * bCrit(loss) / b));
          }
        }
      }
    }
    return f;
  }

  @Test
  void fitBatch_recoversKnownLawsFromAParquetTable() throws Exception {
    Path out = tmp.resolve("out");
    String in = parquet().toString();
    BatchFitOutcome[] done = new BatchFitOutcome[1];
    BatchFitFixtureTest.stdout(
        () ->
            done[0] =
                FitCommand.runBatch(
                    "--form",
                    "batch",
                    "--input",
                    in,
                    "--group-col",
                    "model",
                    "--n-col",
                    "N",
                    "--bootstrap",
                    "50",
                    "--out",
                    out.toString()));
    BatchAnalysis a = done[0].analysis();
    assertEquals(9, a.fits().size());
    for (CriticalBatch f : a.fits()) {
      double n = Double.parseDouble(f.group().substring(1));
      assertEquals(bCrit(f.target()), f.bCrit(), 1e-6 * f.bCrit(), f.toString());
      assertEquals(sMin(n, f.target()), f.sMin(), 1e-6 * f.sMin(), f.toString());
      assertEquals(6, f.nPoints());
    }
    // One law per model, then pooled: all four the same law.
    assertEquals(4, a.bcritLaws().size());
    assertNull(a.bcritLaws().get(3).group());
    for (BatchAnalysis.GroupLaw g : a.bcritLaws()) {
      BcritLawFit law = g.law();
      assertEquals(ALPHA_B, law.alphaB(), 1e-6, String.valueOf(g.group()));
      assertEquals(B_STAR, law.bStar(), 1e-5 * B_STAR);
    }
    KaplanSFit k = a.kaplanS();
    assertNotNull(k, "not fitted: " + a.notFitted());
    assertEquals(ALPHA_N, k.alphaN(), 1e-4);
    assertEquals(ALPHA_S, k.alphaS(), 1e-4);
    assertEquals(N_C, k.nC(), 1e-3 * N_C);
    assertEquals(S_C, k.sC(), 1e-3 * S_C);
    assertEquals(9, k.nPoints());
    assertTrue(Files.isRegularFile(out.resolve("fits/part-00000.parquet")));
    assertEquals(9 * 3 + 4 * 2 + 4, BatchFitService.rows(a).size());
  }

  @Test
  void fitBatch_targetsKeepsOnlyTheTargetsNamed() throws Exception {
    String in = parquet().toString();
    BatchFitOutcome[] done = new BatchFitOutcome[1];
    BatchFitFixtureTest.stdout(
        () ->
            done[0] =
                FitCommand.runBatch(
                    "--form",
                    "batch",
                    "--input",
                    in,
                    "--group-col",
                    "model",
                    "--targets",
                    "3.0,3.5",
                    "--bootstrap",
                    "0",
                    "--out",
                    out()));
    List<Double> targets =
        done[0].analysis().fits().stream().map(CriticalBatch::target).distinct().toList();
    assertEquals(List.of(3.0, 3.5), targets);
    assertNull(done[0].analysis().fits().get(0).bCritCi(), "no bootstrap, no interval");
  }

  @Test
  void fitBatch_notesACriticalBatchOutsideTheBatchSizesMeasured() throws Exception {
    Path in =
        csv(
            "lin,1e8,3.0,32768,100000",
            "lin,1e8,3.0,65536,50000",
            "lin,1e8,3.0,131072,25000",
            "lin,1e8,3.0,262144,12500");
    BatchFitOutcome[] done = new BatchFitOutcome[1];
    String[] lines =
        BatchFitFixtureTest.stdout(() -> done[0] = FitCommand.runBatch(batchArgs(in, "--json")));
    // Both groups' steps halve with the batch (151M's first 3 rows of the fixture nearly so).
    String note =
        done[0].analysis().notes().stream()
            .filter(n -> n.startsWith("lin at target 3: B_crit "))
            .findFirst()
            .orElseThrow(() -> new AssertionError(done[0].analysis().notes().toString()));
    assertTrue(note.contains("lies outside the batch sizes measured [3.277e+04, 2.621e+05]"), note);
    assertTrue(done[0].analysis().fits().get(1).bCrit() > 262144);
    assertTrue(String.join("\n", lines).contains("note: lin at target 3"));
  }

  // ---- bad input ----

  /** The fixture's first model at 2 batch sizes plus a second model at 3 batch sizes. */
  private Path csv(String... extraRows) throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("model,N,target_loss,batch_size_tokens,steps");
    double[][] m151 = {{32768, 96000}, {65536, 49000}, {131072, 24000}};
    for (double[] r : m151) {
      lines.add(String.format(Locale.ROOT, "151M,151000000,3.24,%.0f,%.0f", r[0], r[1]));
    }
    for (String r : extraRows) {
      lines.add(r);
    }
    Path f = tmp.resolve("steps.csv");
    Files.write(f, lines);
    return f;
  }

  private String out() {
    return tmp.resolve("out").toString();
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

  /** Exit 2, exactly {@code message} on stderr, and no fits folder. */
  private void assertRefused(String message, String... args) {
    Object[] r = fit(args);
    assertEquals(2, r[0], "exit code; stderr:\n" + r[1]);
    assertEquals("error: " + message, r[1]);
    assertFalse(Files.exists(tmp.resolve("out/fits")), "nothing written");
  }

  private String[] batchArgs(Path in, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--form",
                "batch",
                "--input",
                in.toString(),
                "--group-col",
                "model",
                "--batch-col",
                "batch_size_tokens",
                "--out",
                out(),
                "--bootstrap",
                "10"));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  @Test
  void fitBatch_fewerThanThreeBatchSizesIsRefusedNamingGroupAndTarget() throws Exception {
    Path in = csv("85M,85000000,3.42,32768,46000", "85M,85000000,3.42,65536,23000");
    assertRefused(
        "batch_size_tokens: fewer than 3 batch sizes for model 85M at target 3.42: found 2",
        batchArgs(in));
  }

  @Test
  void fitBatch_missingColumnIsRefusedNamingTheOption() throws Exception {
    Path in = csv();
    assertRefused(
        "--steps-col must be a column of "
            + in
            + " (columns are [model, N, target_loss, batch_size_tokens, steps]), found \"nope\"",
        batchArgs(in, "--steps-col", "nope"));
  }

  @Test
  void fitBatch_nonPositiveStepsAreRefusedNamingRowAndColumn() throws Exception {
    Path in = csv("85M,85000000,3.42,32768,0");
    assertRefused(
        "row 4 (line 5) of " + in + ": column steps must be positive and finite, found \"0\"",
        batchArgs(in));
  }

  @Test
  void fitBatch_nonFiniteBatchIsRefusedNamingRowAndColumn() throws Exception {
    Path in = csv("85M,85000000,3.42,Infinity,100");
    assertRefused(
        "row 4 (line 5) of "
            + in
            + ": column batch_size_tokens must be positive and finite, found \"Infinity\"",
        batchArgs(in));
    Path nan = csv("85M,85000000,NaN,32768,100");
    assertRefused(
        "row 4 (line 5) of "
            + nan
            + ": column target_loss must be positive and finite, found \"NaN\"",
        batchArgs(nan));
  }

  @Test
  void fitBatch_nThatDiffersWithinAGroupIsRefused() throws Exception {
    Path in = csv("151M,150000000,3.24,262144,12000");
    assertRefused(
        "row 4 (line 5) of "
            + in
            + ": column N must be the same for every row of group 151M (an earlier row has"
            + " 1.51E8), found 1.5E8",
        batchArgs(in, "--n-col", "N"));
  }

  @Test
  void fitBatch_unknownTargetIsRefused() throws Exception {
    Path in = csv();
    assertRefused(
        "--targets must be target losses of " + in + " (column target_loss has [3.24]), found 3.3",
        batchArgs(in, "--targets", "3.3"));
  }

  @Test
  void fitBatch_sweepFolderWithoutABatchAxisIsRefusedNamingInput() throws Exception {
    Path sweep = tmp.resolve("sweep");
    Files.createDirectories(sweep.resolve("trials"));
    Files.createDirectories(sweep.resolve("commits"));
    Object[] r =
        fit("--form", "batch", "--input", sweep.toString(), "--out", out(), "--bootstrap", "10");
    assertEquals(2, r[0], "exit code; stderr:\n" + r[1]);
    String err = (String) r[1];
    assertTrue(
        err.startsWith("error: --input must be a sweep with some model trained at 3 or more batch"),
        err);
    assertTrue(err.endsWith("(0 finished trial(s)) and their batch sizes, found \"none\""), err);
    assertFalse(Files.exists(tmp.resolve("out/fits")), "nothing written");
    assertRefused(
        "--batch-col must be absent when --input is a sweep's output folder (the steps to each"
            + " target are read from its trials' curves, the models, batch sizes and N from their"
            + " configurations), found \"B\"",
        "--form",
        "batch",
        "--input",
        sweep.toString(),
        "--batch-col",
        "B",
        "--out",
        out());
  }

  @Test
  void fitBatch_optionsOfOtherModesAreRefused() throws Exception {
    Path in = csv();
    assertRefused(
        "--d-col must be absent with --form batch (the batch-size analysis does not read it),"
            + " found \"D\"",
        batchArgs(in, "--d-col", "D"));
    assertRefused(
        "--law must be absent with --input (it applies to --curves), found \"mpl\"",
        batchArgs(in, "--law", "mpl"));
    assertRefused(
        "--steps-col must be absent without --form batch (it applies to --form batch), found"
            + " \"steps\"",
        "--input",
        in.toString(),
        "--steps-col",
        "steps",
        "--out",
        out());
    assertRefused(
        "--batch-col must be absent without --form hparams or --form batch (it names their"
            + " batch-size column), found \"batch_size_tokens\"",
        "--input",
        in.toString(),
        "--batch-col",
        "batch_size_tokens",
        "--out",
        out());
    assertRefused(
        "--group-col must be absent with --curves (it applies to --input), found \"model\"",
        "--curves",
        in.toString(),
        "--law",
        "mpl",
        "--group-col",
        "model",
        "--out",
        out());
  }
}
