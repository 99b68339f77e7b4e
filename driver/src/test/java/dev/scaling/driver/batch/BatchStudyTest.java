package dev.scaling.driver.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.batch.BatchFitOptions;
import dev.scaling.common.batch.CriticalBatch;
import dev.scaling.common.batch.LoggedPoint;
import dev.scaling.common.batch.TrialCurve;
import dev.scaling.driver.fit.BatchAnalysis;
import dev.scaling.driver.fit.FitsTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A batch study of curves generated from Kaplan's laws: L(N, S_min) = A N^-alpha + C S_min^-beta,
 * B_crit(L) = B_* / L^(1/alpha_B), and a trial at batch B taking S = S_min (1 + B_crit / B) steps
 * for S_min. The study must read the laws back from the curves alone.
 */
class BatchStudyTest {
  static final double A = 12;
  static final double ALPHA = 0.3;
  static final double C = 9;
  static final double BETA = 0.7;
  static final double B_STAR = 3000;
  static final double ALPHA_B = 0.5;
  static final double[] BATCHES = {256, 512, 1024, 2048, 4096};

  static double loss(double n, double sMin) {
    return A * Math.pow(n, -ALPHA) + C * Math.pow(sMin, -BETA);
  }

  static double bCrit(double loss) {
    return B_STAR / Math.pow(loss, 1 / ALPHA_B);
  }

  /** S_min at which model n reaches loss l (l above its floor A n^-alpha). */
  static double sMin(double n, double l) {
    return Math.pow(C / (l - A * Math.pow(n, -ALPHA)), 1 / BETA);
  }

  /** The loss of model n at step s of a run at batch b: S = S_min (1 + B_crit(L) / B), solved. */
  static double lossAtStep(double n, double b, double s) {
    double lo = 1e-6;
    double hi = s;
    for (int i = 0; i < 200; i++) {
      double mid = Math.sqrt(lo * hi);
      double steps = mid * (1 + bCrit(loss(n, mid)) / b);
      if (steps > s) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return loss(n, Math.sqrt(lo * hi));
  }

  static BatchModels.Model model(String group, double n, double[] batches) {
    List<TrialCurve> curves = new ArrayList<>();
    for (double b : batches) {
      List<LoggedPoint> pts = new ArrayList<>();
      // 300 log-spaced logged steps from 4 to 20000: a linear interpolation between neighbours
      // (3% apart) is close to the curve.
      long last = 0;
      for (int k = 0; k < 300; k++) {
        long s = Math.round(4 * Math.pow(5000, k / 299.0));
        if (s > last) {
          double l = lossAtStep(n, b, s);
          pts.add(new LoggedPoint(s, l, bCrit(l) * 1.5));
          last = s;
        }
      }
      curves.add(new TrialCurve(group + " b" + b, group, n, b, 0, pts));
    }
    return new BatchModels.Model(group, n, curves);
  }

  @Test
  void of_readsSminEminAndTheLawsBackFromTheCurves() {
    List<BatchModels.Model> models =
        List.of(
            model("small", 2e4, BATCHES),
            model("medium", 8e4, BATCHES),
            model("large", 3.2e5, BATCHES),
            model("two batches", 1e5, new double[] {256, 512}));
    BatchStudy s = BatchStudy.of(models, null, new BatchFitOptions(100, 3, 0.95)).orElseThrow();
    assertEquals(3, s.models().size(), "the model with 2 batch sizes is left out");
    assertTrue(s.notes().stream().anyMatch(n -> n.startsWith("two batches: 2 batch sizes")));
    assertEquals(15, s.fits().size(), s.notes().toString());
    for (CriticalBatch f : s.fits()) {
      double n = s.model(f.group()).n();
      double wantB = bCrit(f.target());
      double wantS = sMin(n, f.target());
      assertEquals(wantB, f.bCrit(), 0.03 * wantB, f.toString());
      assertEquals(wantS, f.sMin(), 0.03 * wantS, f.toString());
      assertEquals(wantS * wantB, f.eMin(), 0.05 * wantS * wantB, f.toString());
      // The noise scale was logged as 1.5 B_crit(L) at every step.
      BatchStudy.NoiseAtTarget noise = s.noiseAt(f.group(), f.target());
      assertNotNull(noise);
      assertEquals(1.5, noise.ratio(), 0.1, noise.toString());
    }
    BatchAnalysis.GroupLaw pooled = s.laws().get(s.laws().size() - 1);
    assertNull(pooled.group(), "the pooled law's group is null, as fit --form batch writes it");
    assertEquals(ALPHA_B, pooled.law().alphaB(), 0.05);
    assertEquals(B_STAR, pooled.law().bStar(), 0.1 * B_STAR);
    assertNotNull(s.kaplan(), s.notes().toString());
    assertEquals(ALPHA, s.kaplan().alphaN(), 0.05);
    assertEquals(BETA, s.kaplan().alphaS(), 0.05);
    assertNotNull(s.frontier());
  }

  @Test
  void rows_carryEveryFormWithItsGroupAndTarget() {
    BatchStudy s =
        BatchStudy.of(
                List.of(model("small", 2e4, BATCHES), model("large", 3.2e5, BATCHES)),
                List.of(1.2, 1.0),
                new BatchFitOptions(20, 3, 0.9))
            .orElseThrow();
    List<FitsTable.Row> rows = s.rows();
    Set<String> batchParams =
        rows.stream()
            .filter(r -> r.form().equals("batch"))
            .map(FitsTable.Row::parameter)
            .collect(Collectors.toSet());
    assertEquals(Set.of("S_min", "E_min", "B_crit"), batchParams);
    assertEquals(
        12, rows.stream().filter(r -> r.form().equals("batch")).count(), "2 models x 2 targets");
    for (FitsTable.Row r : rows) {
      if (r.form().equals("batch") || r.form().equals("batch_noise")) {
        assertTrue(r.target() == 1.2 || r.target() == 1.0, r.toString());
        assertTrue(Set.of("small", "large").contains(r.group()), r.toString());
      }
    }
    Set<String> lawGroups = new java.util.HashSet<>();
    rows.stream().filter(r -> r.form().equals("bcrit_law")).forEach(r -> lawGroups.add(r.group()));
    assertEquals(
        new java.util.HashSet<>(java.util.Arrays.asList("small", "large", null)), lawGroups);
    String html = s.html();
    assertTrue(html.startsWith("<h2>Batch size</h2>"));
    assertTrue(html.contains("small: steps vs examples to each target"));
    assertTrue(html.contains("B_crit and the noise scale vs target loss"));
    assertTrue(html.contains("Gradient noise scale over training"));
    assertTrue(s.summary().get(0).startsWith("batch size: 2 model(s), 4 (model, target) fits"));
  }

  @Test
  void of_isEmptyWithoutAModelAtThreeBatchSizes() {
    assertTrue(
        BatchStudy.of(
                List.of(model("a", 2e4, new double[] {256, 512})),
                null,
                new BatchFitOptions(0, 1, 0.9))
            .isEmpty());
  }
}
