package dev.scaling.driver.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./sweep fit --form batch} on the published steps-to-target table of Zhang et al. 2024
 * ({@code shared/data/critical-batch/zhang2024-steps-to-target.csv} beside the project, never
 * copied into it): B_crit per model within 10% of a least-squares fit of S = S_min + E_min / B on
 * log S that this test computes itself (a dense grid refined by Gauss-Newton), and rising with the
 * model size.
 */
class BatchFitFixtureTest {
  private static final String FIXTURE = "shared/data/critical-batch/zhang2024-steps-to-target.csv";

  @TempDir Path tmp;

  /** The fixture in the nearest directory above the working directory; else a visible skip. */
  static Path fixture() {
    Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      Path candidate = p.resolve(FIXTURE);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    String reason =
        FIXTURE
            + " not found in "
            + start
            + " or any directory above it (the shared data sits beside the project, never in it):"
            + " skipped";
    System.err.println("SKIPPED " + reason);
    assumeTrue(false, reason);
    throw new AssertionError("unreachable");
  }

  /** One model's rows as the test reads them: N, batch tokens and steps. */
  private record Model(double n, List<double[]> batchSteps) {}

  /** The fixture read here with a plain split, not with the reader under test. */
  private static Map<String, Model> read(Path csv) throws Exception {
    List<String> lines = Files.readAllLines(csv);
    List<String> head = List.of(lines.get(0).split(","));
    int im = head.indexOf("model");
    int in = head.indexOf("N");
    int ib = head.indexOf("batch_size_tokens");
    int is = head.indexOf("steps");
    Map<String, Model> out = new LinkedHashMap<>();
    for (String l : lines.subList(1, lines.size())) {
      if (l.isBlank()) {
        continue;
      }
      String[] c = l.split(",");
      out.computeIfAbsent(c[im], k -> new Model(Double.parseDouble(c[in]), new ArrayList<>()))
          .batchSteps()
          .add(new double[] {Double.parseDouble(c[ib]), Double.parseDouble(c[is])});
    }
    return out;
  }

  /**
   * The least-squares (S_min, E_min) of log S against log(S_min + E_min / B): the best point of a
   * 400 x 400 grid over (log S_min, log E_min), then 30 Gauss-Newton steps.
   */
  static double[] leastSquares(List<double[]> pts) {
    double minS = pts.stream().mapToDouble(p -> p[1]).min().orElseThrow();
    double maxSb = pts.stream().mapToDouble(p -> p[0] * p[1]).max().orElseThrow();
    double lo0 = Math.log(minS) - 6;
    double hi0 = Math.log(minS) + 0.1;
    double lo1 = Math.log(maxSb) - 8;
    double hi1 = Math.log(maxSb) + 0.1;
    double best = Double.POSITIVE_INFINITY;
    double[] t = new double[2];
    int g = 400;
    for (int i = 0; i < g; i++) {
      for (int j = 0; j < g; j++) {
        double a = lo0 + (hi0 - lo0) * i / (g - 1);
        double b = lo1 + (hi1 - lo1) * j / (g - 1);
        double sse = sse(pts, a, b);
        if (sse < best) {
          best = sse;
          t = new double[] {a, b};
        }
      }
    }
    for (int it = 0; it < 30; it++) {
      double s = Math.exp(t[0]);
      double e = Math.exp(t[1]);
      double a00 = 0;
      double a01 = 0;
      double a11 = 0;
      double g0 = 0;
      double g1 = 0;
      for (double[] p : pts) {
        double pred = s + e / p[0];
        double r = Math.log(pred) - Math.log(p[1]);
        double j0 = s / pred;
        double j1 = e / p[0] / pred;
        a00 += j0 * j0;
        a01 += j0 * j1;
        a11 += j1 * j1;
        g0 += j0 * r;
        g1 += j1 * r;
      }
      double det = a00 * a11 - a01 * a01;
      double d0 = -(a11 * g0 - a01 * g1) / det;
      double d1 = -(a00 * g1 - a01 * g0) / det;
      double[] next = {t[0] + d0, t[1] + d1};
      if (sse(pts, next[0], next[1]) > sse(pts, t[0], t[1])) {
        break;
      }
      t = next;
    }
    return new double[] {Math.exp(t[0]), Math.exp(t[1])};
  }

  private static double sse(List<double[]> pts, double logS, double logE) {
    double s = Math.exp(logS);
    double e = Math.exp(logE);
    double sum = 0;
    for (double[] p : pts) {
      double r = Math.log(s + e / p[0]) - Math.log(p[1]);
      sum += r * r;
    }
    return sum;
  }

  static String[] stdout(Runnable r) {
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
  void fitBatch_recoversTheLeastSquaresCriticalBatchPerModelAndItRisesWithModelSize()
      throws Exception {
    Path csv = fixture();
    Map<String, Model> models = read(csv);
    Path out = tmp.resolve("out");
    String[] lines =
        stdout(
            () ->
                FitCommand.runBatch(
                    "--form",
                    "batch",
                    "--input",
                    csv.toString(),
                    "--group-col",
                    "model",
                    "--batch-col",
                    "batch_size_tokens",
                    "--steps-col",
                    "steps",
                    "--target-col",
                    "target_loss",
                    "--out",
                    out.toString(),
                    "--json"));
    for (String l : lines) {
      System.out.println(l);
    }
    JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
    JsonNode batch = json.get("batch");
    assertEquals(models.size(), batch.size());
    List<double[]> nAndBcrit = new ArrayList<>();
    for (JsonNode f : batch) {
      for (String name : List.of("group", "target", "S_min", "E_min", "B_crit", "ci")) {
        assertTrue(f.has(name), name + " in " + f);
      }
      Model m = models.get(f.get("group").asText());
      assertNotNull(m, f.get("group").asText());
      double[] mine = leastSquares(m.batchSteps());
      double bCrit = f.get("B_crit").asDouble();
      System.out.printf(
          "%s: B_crit %.5g tokens (%.5g sequences), the test's least squares %.5g; S_min %.5g"
              + " vs %.5g%n",
          f.get("group").asText(),
          bCrit,
          bCrit / 512,
          mine[1] / mine[0],
          f.get("S_min").asDouble(),
          mine[0]);
      assertEquals(mine[1] / mine[0], bCrit, 0.1 * mine[1] / mine[0], "B_crit");
      assertEquals(mine[0], f.get("S_min").asDouble(), 0.1 * mine[0], "S_min");
      assertEquals(mine[1], f.get("E_min").asDouble(), 0.1 * mine[1], "E_min");
      JsonNode ci = f.get("ci").get("B_crit");
      assertEquals(2, ci.size());
      assertTrue(ci.get(0).asDouble() <= bCrit && bCrit <= ci.get(1).asDouble(), ci.toString());
      nAndBcrit.add(new double[] {m.n(), bCrit});
    }
    nAndBcrit.sort((a, b) -> Double.compare(a[0], b[0]));
    for (int i = 1; i < nAndBcrit.size(); i++) {
      assertTrue(
          nAndBcrit.get(i)[1] > nAndBcrit.get(i - 1)[1],
          "B_crit rises with N: " + nAndBcrit.get(i - 1)[1] + " then " + nAndBcrit.get(i)[1]);
    }
    // One target per model: B_crit(L) is the law pooled over the models.
    JsonNode law = json.get("bcrit_law");
    assertEquals(1, law.size());
    assertTrue(law.get(0).get("group").isNull());
    assertTrue(law.get(0).has("B_star") && law.get(0).has("alpha_B"));
    assertTrue(!json.has("kaplan_s"), "no --n-col, no kaplan_s");

    // The fits table, read back with parquet-hadoop's example reader.
    Map<String, List<Group>> byForm = new LinkedHashMap<>();
    Path file = out.resolve("fits/part-00000.parquet");
    try (ParquetReader<Group> r =
        ParquetReader.builder(new GroupReadSupport(), new org.apache.hadoop.fs.Path(file.toUri()))
            .withConf(new Configuration())
            .build()) {
      for (Group g = r.read(); g != null; g = r.read()) {
        byForm.computeIfAbsent(g.getString("form", 0), k -> new ArrayList<>()).add(g);
      }
    }
    assertEquals(List.of("batch", "bcrit_law"), List.copyOf(byForm.keySet()));
    List<Group> rows = byForm.get("batch");
    assertEquals(3 * models.size(), rows.size());
    for (JsonNode f : batch) {
      List<Group> of =
          rows.stream()
              .filter(g -> g.getString("group", 0).equals(f.get("group").asText()))
              .toList();
      assertEquals(
          List.of("S_min", "E_min", "B_crit"),
          of.stream().map(g -> g.getString("parameter", 0)).toList());
      for (Group g : of) {
        assertEquals(f.get("target").asDouble(), g.getDouble("target", 0));
        assertEquals(f.get(g.getString("parameter", 0)).asDouble(), g.getDouble("estimate", 0), 0);
        assertEquals(1, g.getFieldRepetitionCount("ci_low"));
      }
    }
    List<Group> lawRows = byForm.get("bcrit_law");
    assertEquals(
        List.of("B_star", "alpha_B"),
        lawRows.stream().map(g -> g.getString("parameter", 0)).toList());
    for (Group g : lawRows) {
      assertEquals(0, g.getFieldRepetitionCount("group"), "pooled: no group");
      assertEquals(0, g.getFieldRepetitionCount("target"));
    }
  }

  @Test
  void fitBatch_withNColumnFitsLossAgainstModelSizeAndMinimumSteps() throws Exception {
    Path csv = fixture();
    Path out = tmp.resolve("out");
    BatchFitOutcome[] done = new BatchFitOutcome[1];
    stdout(
        () ->
            done[0] =
                FitCommand.runBatch(
                    "--form",
                    "batch",
                    "--input",
                    csv.toString(),
                    "--group-col",
                    "model",
                    "--batch-col",
                    "batch_size_tokens",
                    "--n-col",
                    "N",
                    "--bootstrap",
                    "100",
                    "--out",
                    out.toString()));
    BatchAnalysis a = done[0].analysis();
    assertNotNull(a.kaplanS(), "not fitted: " + a.notFitted());
    assertEquals(5, a.kaplanS().nPoints());
    System.out.println(done[0].summary());
  }
}
