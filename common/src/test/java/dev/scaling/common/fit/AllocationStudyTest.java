package dev.scaling.common.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AllocationStudyTest {
  private static final ChinchillaParams TRUTH = Synthetic.CHINCHILLA;

  /** a = beta/(alpha+beta) of the truth, by eq. 4 of Hoffmann et al. */
  private static final double TRUE_A = TRUTH.beta() / (TRUTH.alpha() + TRUTH.beta());

  /** N_opt of the truth at {@code c} FLOPs, computed here from eq. 4. */
  private static double trueNOpt(double c) {
    double s = TRUTH.alpha() + TRUTH.beta();
    double g = Math.pow(TRUTH.alpha() * TRUTH.a() / (TRUTH.beta() * TRUTH.b()), 1 / s);
    return g * Math.pow(c / 6, TRUTH.beta() / s);
  }

  /**
   * An IsoFLOP design on the truth: {@code budgets} budgets log-spaced from 1e18 to 1e21, {@code
   * models} sizes per budget spread over {@code span} in N, centred on {@code shift} times the true
   * optimum, D = C/(6N), loss times exp(sigma * noise).
   */
  static List<ScalingPoint> isoflop(
      int budgets, int models, double span, double shift, double sigma, long seed) {
    Random rng = new Random(seed);
    List<ScalingPoint> out = new ArrayList<>();
    for (int k = 0; k < budgets; k++) {
      double c = 1e18 * Math.pow(1000, k / (double) (budgets - 1));
      double centre = trueNOpt(c) * shift;
      for (int i = 0; i < models; i++) {
        double n = centre * Math.pow(span, i / (double) (models - 1) - 0.5);
        double d = c / (6 * n);
        out.add(new ScalingPoint(n, d, TRUTH.predict(n, d) * Math.exp(sigma * rng.nextGaussian())));
      }
    }
    return out;
  }

  private static AllocationStudy study(List<ScalingPoint> pts, int bootstrap) {
    FitOptions o = FitOptions.defaults().withGrid(StartGrid.COARSE).withBootstrap(bootstrap, 7);
    ScalingAnalysis a = new ScalingFitter(o).analyse(pts, List.of(LawForm.CHINCHILLA));
    return AllocationStudy.run(a, null, List.of(ApproachKind.values()));
  }

  @Test
  void run_eachApproachRecoversKnownOptimumWithinItsInterval() {
    List<ScalingPoint> pts = isoflop(7, 15, 16, 1, 0.002, 3);
    AllocationStudy s = study(pts, 200);
    assertEquals(List.of(), s.skipped());
    double target = s.study().targetCompute();
    assertEquals(1e22, target, 1e22 * 0.06, "10x the largest budget");
    for (Allocation e : s.estimates()) {
      String what = e.approach().label() + " a=" + e.a() + " ci " + e.ciA();
      assertNotNull(e.ciA(), what);
      assertTrue(e.ciA().contains(TRUE_A), what + " truth " + TRUE_A);
      assertTrue(e.ciB().contains(1 - TRUE_A), what + " b ci " + e.ciB());
      double n = trueNOpt(e.atCompute());
      if (e.approach() == ApproachKind.ENVELOPE) {
        // Final points only: near a budget's flat bottom the noise picks which N has the lowest
        // loss, so the envelope is the loosest of the three (its interval says so).
        assertTrue(e.ciA().hi() - e.ciA().lo() > 0.05, what);
        // Its slope's interval is +-0.12 wide; a decade past the data that is a factor 1.3 alone.
        assertEquals(0, Math.log10(e.nOpt() / n), Math.log10(3), what + " N_opt " + e.nOpt());
      } else {
        assertEquals(TRUE_A, e.a(), 0.01, what);
        assertEquals(1, e.nOpt() / n, 0.1, what + " N_opt " + e.nOpt() + " truth " + n);
      }
      assertEquals(e.atCompute() / 6 / e.nOpt(), e.dOpt(), e.dOpt() * 0.02, "C = 6 N D");
    }
    assertTrue(
        s.checks().stream().noneMatch(c -> c.kind() == DesignCheck.Kind.VERTEX_AT_EDGE),
        s.checks().toString());
    assertTrue(
        s.checks().stream().anyMatch(c -> c.kind() == DesignCheck.Kind.APPROACH_SPREAD),
        s.checks().toString());
  }

  /**
   * An IsoFLOP design whose budget minima bend down in log-log (loss falls faster at larger
   * budgets): the lower convex hull keeps only its two ends, but the envelope is each budget's best
   * run, so it still applies, and its exponent is the one the minima were placed on (N* = 1000
   * (C/1e10)^0.6).
   */
  @Test
  void envelope_isoflopDesignWithADownBendingFrontier_usesEachBudgetsBestRun() {
    double[] minima = {2.97, 2.93, 2.65, 2.30};
    List<ScalingPoint> pts = new ArrayList<>();
    for (int k = 0; k < minima.length; k++) {
      double c = 1e10 * Math.pow(2, k);
      double best = 1000 * Math.pow(c / 1e10, 0.6);
      for (int i = 0; i < 7; i++) {
        double n = best * Math.pow(1.5, i - 3);
        double x = Math.log(n / best);
        pts.add(new ScalingPoint(n, c / (6 * n), minima[k] + 0.05 * x * x));
      }
    }
    Study s = Study.of(new ScalingFitter(FitOptions.defaults()).analyse(pts, List.of()), null);
    assertEquals(2, EnvelopeApproach.hull(s, IntStream.range(0, pts.size()).toArray()).length);

    AllocationStudy study = study(pts, 0);
    Allocation envelope = study.estimate(ApproachKind.ENVELOPE);
    assertNotNull(envelope, study.skipped().toString());
    assertEquals(4, envelope.frontier().size());
    assertEquals(0.6, envelope.a(), 1e-9);
    assertEquals(0.4, envelope.b(), 1e-9);
  }

  /**
   * The envelope's bootstrap draws (N, D) cells, each entering through its lowest loss: a table
   * repeated five times has the same frontier and the same interval as the table (a row bootstrap
   * narrowed it, drawing five times as many rows).
   */
  @Test
  void envelope_duplicatedTableKeepsItsInterval() {
    List<ScalingPoint> pts = Synthetic.crossed(TRUTH, 6, 6, 0.003, 1);
    List<ScalingPoint> five = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      five.addAll(pts);
    }
    Allocation once = study(pts, 200).estimate(ApproachKind.ENVELOPE);
    Allocation repeated = study(five, 200).estimate(ApproachKind.ENVELOPE);
    assertNotNull(once);
    assertNotNull(repeated);
    assertEquals(once.frontier(), repeated.frontier());
    assertEquals(once.a(), repeated.a(), 1e-12);
    assertEquals(once.ciA().lo(), repeated.ciA().lo(), 1e-12);
    assertEquals(once.ciA().hi(), repeated.ciA().hi(), 1e-12);
  }

  @Test
  void run_crossedGrid_isoflopSaysWhyAndOthersStillRun() {
    List<ScalingPoint> pts = Synthetic.crossed(TRUTH, 6, 6, 0.003, 1);
    AllocationStudy s = study(pts, 0);
    assertEquals(1, s.skipped().size(), s.skipped().toString());
    assertEquals(ApproachKind.ISOFLOP, s.skipped().get(0).approach());
    assertTrue(
        s.skipped().get(0).reason().startsWith("rows do not group into compute budgets"),
        s.skipped().get(0).reason());
    assertNotNull(s.estimate(ApproachKind.PARAMETRIC));
    assertNotNull(s.estimate(ApproachKind.ENVELOPE));
    assertNull(s.estimate(ApproachKind.PARAMETRIC).ciA(), "no bootstrap, no interval");
  }

  @Test
  void checks_gridShiftedFarOff_flagsVertexAtEdgeAndLeavesItOut() {
    // Centred 6x above the optimum over a span of 8: the smallest N (6/sqrt(8) = 2.1x) is still
    // above the optimum, so every budget's lowest loss is at its smallest N.
    List<ScalingPoint> pts = isoflop(5, 7, 8, 6, 0, 1);
    AllocationStudy s = study(pts, 0);
    long edges =
        s.checks().stream().filter(c -> c.kind() == DesignCheck.Kind.VERTEX_AT_EDGE).count();
    assertEquals(5, edges, s.checks().toString());
    assertTrue(s.checks().get(0).message().contains("smallest N"), s.checks().get(0).message());
    assertEquals(ApproachKind.ISOFLOP, s.skipped().get(0).approach(), s.skipped().toString());
    assertTrue(s.skipped().get(0).reason().contains("edge"), s.skipped().get(0).reason());
  }

  @Test
  void checks_gridOffCentre_flagsVertexOutsideMiddleThird() {
    // Centred 2.5x above the optimum over a span of 16: the optimum sits at
    // 0.5 - log(2.5)/log(16) = 0.17 of the log N range: inside the range, outside its middle third.
    List<ScalingPoint> pts = isoflop(5, 9, 16, 2.5, 0, 1);
    AllocationStudy s = study(pts, 0);
    long off = s.checks().stream().filter(c -> c.kind() == DesignCheck.Kind.OFF_CENTRE).count();
    assertEquals(5, off, s.checks().toString());
    assertNotNull(s.estimate(ApproachKind.ISOFLOP), "off-centre vertices are kept");
    for (Allocation.Profile p : s.estimate(ApproachKind.ISOFLOP).profiles()) {
      assertTrue(p.position() > 0 && p.position() < 1.0 / 3, "position " + p.position());
    }
    // A centred grid draws no such warning.
    AllocationStudy centred = study(isoflop(5, 9, 16, 1, 0, 1), 0);
    assertTrue(
        centred.checks().stream()
            .noneMatch(
                c ->
                    c.kind() == DesignCheck.Kind.OFF_CENTRE
                        || c.kind() == DesignCheck.Kind.VERTEX_AT_EDGE),
        centred.checks().toString());
  }

  @Test
  void group_budgetsWithPointsUpTo5PercentEitherSideStayWhole() {
    // Two budgets 1e18 and 3e18, each point 5% below, at, or 5% above its budget.
    double[] factors = {0.95, 1.0, 1.05, 0.97, 1.03};
    List<ScalingPoint> pts = new ArrayList<>();
    List<Double> c = new ArrayList<>();
    for (double budget : new double[] {1e18, 3e18}) {
      for (int i = 0; i < factors.length; i++) {
        double n = 1e8 * (i + 1);
        c.add(budget * factors[i]);
        pts.add(new ScalingPoint(n, budget * factors[i] / (6 * n), 3.0));
      }
    }
    List<Budget> b = Budget.group(c.stream().mapToDouble(Double::doubleValue).toArray(), pts);
    assertEquals(2, b.size(), b.toString());
    assertEquals(5, b.get(0).rows().size());
    assertEquals(5, b.get(1).rows().size());
    // The geometric mean of the members: 1e18 * (0.95 * 1.05 * 0.97 * 1.03)^(1/5).
    assertEquals(1e18 * Math.pow(0.95 * 1.05 * 0.97 * 1.03, 0.2), b.get(0).compute(), 1e6);
    // 11% apart is two budgets.
    List<Budget> split = Budget.group(new double[] {1e18, 1.11e18}, pts.subList(0, 2));
    assertEquals(2, split.size());
  }

  @Test
  void variableProjection_agreesWithBfgsOnCleanData() {
    List<ScalingPoint> pts = Synthetic.crossed(TRUTH, 8, 8, 0.002, 5);
    FitResult bfgs =
        new ScalingFitter(FitOptions.defaults().withGrid(StartGrid.COARSE))
            .fit(LawForm.CHINCHILLA, pts);
    VariableProjection.Check c = VariableProjection.check(pts, bfgs);
    assertTrue(c.agrees(), c.message());
    assertEquals(bfgs.objective(), c.objective(), 1e-4 * bfgs.objective(), c.message());
    assertEquals(TRUE_A, c.a(), 0.05, c.message());
  }

  @Test
  void variableProjection_reportsWhenBfgsStoppedElsewhere() {
    List<ScalingPoint> pts = Synthetic.crossed(TRUTH, 8, 8, 0.002, 5);
    ScalingFitter fitter = new ScalingFitter(FitOptions.defaults().withGrid(StartGrid.COARSE));
    // A "BFGS result" stopped away from the optimum: beta pushed from 0.28 to 0.6.
    ChinchillaParams off = new ChinchillaParams(1.69, 406.4, 410.7, 0.34, 0.6);
    FitResult stopped =
        new FitResult(
            LawForm.CHINCHILLA,
            off,
            fitter.objective(off, pts),
            pts.size(),
            1e-3,
            1,
            List.of(off),
            List.of(),
            0);
    VariableProjection.Check c = VariableProjection.check(pts, stopped);
    assertTrue(!c.agrees(), c.message());
    assertTrue(c.objective() < stopped.objective(), c.message());
    assertTrue(c.message().contains("variable projection found the lower objective"), c.message());
    assertEquals(TRUE_A, c.a(), 0.05, c.message());
  }

  @Test
  void nnls_keepsCoefficientsNonNegative() {
    // y = 2 + 3 x1 exactly, x2 anti-correlated noise that unconstrained LS would give a negative
    // weight; checked against the solution computed by hand.
    double[][] x = {{1, 1, 4}, {1, 2, 3}, {1, 3, 2}, {1, 4, 1}};
    double[] y = {5, 8, 11, 14};
    double[] v = {1, 1, 1, 1};
    double[] c = VariableProjection.nnls(x, y, v);
    assertEquals(2, c[0] + 5 * c[2], 1e-9);
    assertTrue(c[0] >= 0 && c[1] >= 0 && c[2] >= 0);
    double[] exact = {2, 3, 0};
    for (int i = 0; i < 4; i++) {
      double pred = c[0] + c[1] * x[i][1] + c[2] * x[i][2];
      assertEquals(exact[0] + exact[1] * x[i][1], pred, 1e-9);
    }
  }

  /** The shared IsoFLOP table beside the project: rows of C, N, D, loss. */
  private static List<double[]> cs336() throws IOException {
    return Files.readAllLines(PublishedTablesTest.table("cs336-isoflops.csv")).stream()
        .skip(1)
        .filter(l -> !l.isBlank())
        .map(l -> java.util.Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble).toArray())
        .toList();
  }

  @Test
  void isoflop_cs336_landsWithin001OfReferenceExponent() throws IOException {
    List<double[]> rows = cs336();
    assertEquals(72, rows.size());
    List<ScalingPoint> pts = rows.stream().map(r -> new ScalingPoint(r[1], r[2], r[3])).toList();
    List<Double> c = rows.stream().map(r -> r[0]).toList();
    FitOptions o = FitOptions.defaults().withBootstrap(200, 11);
    ScalingAnalysis a = new ScalingFitter(o).analyse(pts, List.of(LawForm.CHINCHILLA));
    AllocationStudy s = AllocationStudy.run(a, c, List.of(ApproachKind.values()));
    for (Allocation e : s.estimates()) {
      System.out.printf(
          "cs336 %-10s a=%.4f ci=%s b=%.4f ci=%s N_opt(%.3g)=%.4g (%d ms)%n",
          e.approach().label(),
          e.a(),
          e.ciA(),
          e.b(),
          e.ciB(),
          e.atCompute(),
          e.nOpt(),
          e.millis());
    }
    s.skipped().forEach(k -> System.out.println("cs336 skipped " + k));
    s.checks().forEach(k -> System.out.println("cs336 check " + k.message()));
    Allocation iso = s.estimate(ApproachKind.ISOFLOP);
    // The folder's README: the noise-free truth is a = 0.36/(0.34+0.36) = 0.5143, and the plain
    // approach 2 gives N* = 0.1332 C^0.5146.
    assertEquals(0.5143, iso.a(), 0.01);
    assertEquals(0.5146, iso.a(), 1e-3, "the plain approach 2 of the README");
    assertEquals(0.1332, iso.g(), 0.1332 * 0.02, "its intercept");
    Allocation par = s.estimate(ApproachKind.PARAMETRIC);
    assertEquals(0.5143, par.a(), 1e-3, "a noise-free table: the law's own exponents");
    double lo = s.estimates().stream().mapToDouble(Allocation::nOpt).min().orElseThrow();
    double hi = s.estimates().stream().mapToDouble(Allocation::nOpt).max().orElseThrow();
    DesignCheck spread =
        s.checks().stream()
            .filter(k -> k.kind() == DesignCheck.Kind.APPROACH_SPREAD)
            .findFirst()
            .orElseThrow();
    assertEquals(hi / lo > AllocationStudy.AGREE_FACTOR, spread.warning(), spread.message());
    assertTrue(spread.message().contains(String.format(java.util.Locale.ROOT, "%.2f", hi / lo)));
    assertTrue(
        s.checks().stream().anyMatch(k -> k.kind() == DesignCheck.Kind.ALPHA_NEAR_BETA),
        "alpha 0.34 and beta 0.36");
  }

  @Test
  void run_240RowTable_timesTheThreeApproaches() {
    List<ScalingPoint> pts = isoflop(12, 20, 16, 1, 0.003, 9);
    assertEquals(240, pts.size());
    FitOptions o = FitOptions.defaults().withBootstrap(1000, 3);
    long t0 = System.nanoTime();
    ScalingAnalysis a = new ScalingFitter(o).analyse(pts, List.of(LawForm.CHINCHILLA));
    long t1 = System.nanoTime();
    AllocationStudy s = AllocationStudy.run(a, null, List.of(ApproachKind.values()));
    long t2 = System.nanoTime();
    System.out.printf(
        "240 rows, 1000 resamples, full start grid: Chinchilla fit+bootstrap+backtest %.2f s;"
            + " three approaches with their bootstraps and the variable-projection check %.2f s%n",
        (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    s.estimates()
        .forEach(
            e ->
                System.out.printf(
                    "240 rows %-10s a=%.4f ci=%s %d ms%n",
                    e.approach().label(), e.a(), e.ciA(), e.millis()));
    assertEquals(3, s.estimates().size(), s.skipped().toString());
  }
}
