package dev.scaling.driver.report.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.batch.KaplanSFit;
import dev.scaling.common.fit.AllocationStudy;
import dev.scaling.common.fit.ChinchillaParams;
import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.fit.FitResult;
import dev.scaling.common.fit.KaplanParams;
import dev.scaling.common.fit.LawFit;
import dev.scaling.common.fit.LawParams;
import dev.scaling.common.fit.ScalingAnalysis;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.common.fit.StartGrid;
import dev.scaling.driver.report.CurveSample;
import dev.scaling.driver.report.ReportWriter;
import dev.scaling.driver.report.SweepFacts;
import dev.scaling.driver.report.TrialFacts;
import dev.scaling.driver.report.TrialPoint;
import dev.scaling.driver.report.chart.Band;
import dev.scaling.driver.report.chart.Chart;
import dev.scaling.driver.report.chart.Point;
import dev.scaling.driver.report.chart.Scale;
import dev.scaling.driver.report.chart.Series;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaperFiguresTest {
  /** The law the rows come from: L = E + A/N^alpha + B/D^beta. */
  private static final ChinchillaParams TRUTH = new ChinchillaParams(1.8, 400, 900, 0.34, 0.28);

  /** Kaplan et al.'s published L(N, D) (their eq. 1.5 fit). */
  private static final KaplanParams KAPLAN = new KaplanParams(8.8e13, 5.4e13, 0.076, 0.095);

  private static final int[] WIDTHS = {64, 128, 256};
  private static final int[] DEPTHS = {2, 4, 8};
  private static final long[] TOKENS = {2_000_000, 8_000_000, 32_000_000};

  /** A toy parameter count for a shape: 12 depth width^2. */
  private static double n(int width, int depth) {
    return 12.0 * depth * width * width;
  }

  private static String id(int w, int d, long t) {
    return "t-w" + w + "-d" + d + "-D" + t;
  }

  /** The grid's rows and trial facts, loss from {@code law} (plus {@code shapePenalty}). */
  private record Grid(List<TrialPoint> rows, List<TrialFacts> trials) {}

  private static Grid grid(int[] widths, int[] depths, long[] tokens, LawParams law) {
    List<TrialPoint> rows = new ArrayList<>();
    List<TrialFacts> trials = new ArrayList<>();
    for (int w : widths) {
      for (int d : depths) {
        for (long t : tokens) {
          double n = n(w, d);
          double ar = w / (double) d;
          // A shape penalty: best at aspect ratio 32, quadratic in log aspect ratio.
          double loss = law.predict(n, t) * (1 + 0.02 * Math.pow(Math.log(ar / 32), 2));
          rows.add(new TrialPoint(id(w, d, t), new ScalingPoint(n, t, loss)));
          trials.add(new TrialFacts(id(w, d, t), w, d, n, t, 3e-3, 16, 16 * 128, 0.004));
        }
      }
    }
    return new Grid(rows, trials);
  }

  private static ScalingAnalysis analysis(List<TrialPoint> rows, LawParams... laws) {
    List<ScalingPoint> pts = rows.stream().map(TrialPoint::point).toList();
    List<LawFit> fits =
        Arrays.stream(laws)
            .map(
                p ->
                    new LawFit(
                        new FitResult(p.form(), p, 0, pts.size(), 1e-3, 1, List.of(), List.of(), 0),
                        null,
                        null))
            .toList();
    double maxC = pts.stream().mapToDouble(ScalingPoint::compute).max().orElse(1);
    return new ScalingAnalysis(
        pts,
        new FitOptions(1e-3, StartGrid.COARSE, 200, 7L, 0.9, 0),
        fits,
        List.of(),
        maxC,
        List.of());
  }

  private static SweepFacts facts(List<TrialFacts> trials, KaplanSFit stepLaw) {
    return SweepFacts.builder().evalNoise(0.004, 4096).trials(trials).stepLaw(stepLaw).build();
  }

  private static Series series(Chart c, String prefix) {
    return c.series().stream()
        .filter(s -> s.name().startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no series " + prefix + " in " + c.title()));
  }

  private static FigureStatus status(PaperFigures f, KaplanFigure k) {
    return f.figure(k).status();
  }

  // ------------------------------------------------------------------ Figure 1

  @Test
  void powerFit_recoversExponentAndScaleOfAnExactPowerLaw() {
    double[] x = PaperFigures.logSpace(1e12, 1e17, 9);
    double[] y = Arrays.stream(x).map(c -> Math.pow(2.3e8 / c, 0.05)).toArray();
    PowerFit fit = PowerFit.fit(x, y);
    assertEquals(0.05, fit.alpha(), 1e-12);
    assertEquals(2.3e8, fit.scale(), 2.3e8 * 1e-8);
    assertNull(PowerFit.fit(new double[] {1, 2}, new double[] {3, 2}), "two x determine no fit");
  }

  @Test
  void powerFit_bandBracketsTheFitOfNoisyPoints() {
    double[] x = PaperFigures.logSpace(1e5, 1e8, 12);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = Math.pow(1e4 / x[i], 0.1) * (1 + 0.01 * ((i % 3) - 1));
    }
    PowerFit fit = PowerFit.fit(x, y);
    double[] grid = PaperFigures.logSpace(1e5, 1e8, 20);
    Band band = PowerFit.band("fit", x, y, grid, 300, 11L, 0.9);
    assertNotNull(band);
    for (int g = 0; g < grid.length; g++) {
      double at = fit.predict(grid[g]);
      assertTrue(band.lo()[g] <= at && at <= band.hi()[g], "band at " + grid[g] + " misses " + at);
      assertTrue(band.hi()[g] - band.lo()[g] > 0, "noisy points give a band of some width");
      assertTrue((band.hi()[g] - band.lo()[g]) / at < 0.05, "a 1% scatter gives a narrow band");
    }
    assertNull(PowerFit.band("fit", x, y, grid, 0, 11L, 0.9), "no resamples, no band");
    double[] x3 = Arrays.copyOf(x, 3);
    double[] y3 = Arrays.copyOf(y, 3);
    assertNotNull(PowerFit.fit(x3, y3));
    assertNull(PowerFit.band("fit", x3, y3, grid, 300, 11L, 0.9), "3 points give no honest band");
  }

  @Test
  void figure1_frontierPointIsTheLowestLossAtOrBelowItsCompute() {
    Grid g = grid(WIDTHS, DEPTHS, TOKENS, TRUTH);
    PaperFigures f =
        PaperFigures.of(analysis(g.rows(), TRUTH), g.rows(), List.of(), facts(g.trials(), null));
    Chart compute = f.figure(KaplanFigure.FIGURE_1).charts().get(0);
    assertEquals(Scale.LOG, compute.x().scale());
    assertEquals(Scale.LOG, compute.y().scale());
    assertEquals(g.rows().size(), series(compute, "trials").points().size());
    List<Point> front = series(compute, "compute-efficient frontier").points();
    assertTrue(front.size() >= 3, "the grid's frontier has several points, found " + front.size());
    for (Point p : front) {
      double min =
          g.rows().stream()
              .filter(r -> r.point().compute() <= p.x())
              .mapToDouble(r -> r.point().loss())
              .min()
              .orElseThrow();
      assertEquals(min, p.y(), 0, "frontier at C=" + p.x());
      assertTrue(p.tip().title().startsWith("t-w"), "a frontier point names its trial");
    }
    Set<Double> onFront = front.stream().map(Point::x).collect(Collectors.toSet());
    for (TrialPoint r : g.rows()) {
      if (!onFront.contains(r.point().compute())) {
        assertTrue(
            g.rows().stream()
                .anyMatch(
                    o ->
                        o.point().compute() <= r.point().compute()
                            && o.point().loss() < r.point().loss()),
            "a row off the frontier is beaten at no more compute: " + r.trialId());
      }
    }
    Series fit = series(compute, "fit L = (");
    assertFalse(fit.points().isEmpty());
    assertTrue(compute.bands().stream().anyMatch(b -> b.series().equals(fit.name())));
    // The fitted exponent is the least-squares slope of log L on log C over the frontier.
    double[] lx = front.stream().mapToDouble(p -> Math.log(p.x())).toArray();
    double[] ly = front.stream().mapToDouble(p -> Math.log(p.y())).toArray();
    double mx = Arrays.stream(lx).average().orElseThrow();
    double my = Arrays.stream(ly).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < lx.length; i++) {
      sxy += (lx[i] - mx) * (ly[i] - my);
      sxx += (lx[i] - mx) * (lx[i] - mx);
    }
    assertTrue(fit.name().endsWith(String.format(java.util.Locale.ROOT, "^%.3f", -sxy / sxx)));
  }

  @Test
  void figure1_lossVsNAtTheLargestDAndLossVsDAtTheLargestN() {
    Grid g = grid(WIDTHS, new int[] {4}, TOKENS, TRUTH);
    PaperFigures f =
        PaperFigures.of(analysis(g.rows(), TRUTH), g.rows(), List.of(), facts(g.trials(), null));
    List<Chart> charts = f.figure(KaplanFigure.FIGURE_1).charts();
    assertEquals(3, charts.size());
    Series overD = series(charts.get(1), "trials at N = ");
    Series overN = series(charts.get(2), "trials at D = ");
    assertEquals(TOKENS.length, overD.points().size());
    assertEquals(WIDTHS.length, overN.points().size());
    double largestN = n(256, 4);
    for (Point p : overD.points()) {
      assertEquals(TRUTH.predict(largestN, p.x()) * shape(256, 4), p.y(), 1e-12);
    }
    for (Point p : overN.points()) {
      int w = (int) Math.round(Math.sqrt(p.x() / 48));
      assertEquals(TRUTH.predict(p.x(), 32_000_000) * shape(w, 4), p.y(), 1e-12);
      assertEquals(0.004, p.err(), 0);
    }
    assertTrue(status(f, KaplanFigure.FIGURE_1).present());
    assertNull(status(f, KaplanFigure.FIGURE_1).reason());
  }

  private static double shape(int w, int d) {
    return 1 + 0.02 * Math.pow(Math.log(w / (double) d / 32), 2);
  }

  @Test
  void figure1_tipNamesTheTrialItsShapeAndLossWithNoise() {
    Grid g = grid(new int[] {64, 128, 256}, new int[] {4}, TOKENS, TRUTH);
    PaperFigures f =
        PaperFigures.of(analysis(g.rows(), TRUTH), g.rows(), List.of(), facts(g.trials(), null));
    Point p = series(f.figure(KaplanFigure.FIGURE_1).charts().get(0), "trials").points().get(0);
    Map<String, String> fields = new LinkedHashMap<>();
    p.tip().fields().forEach(x -> fields.put(x.label(), x.value()));
    assertEquals(
        List.of("width", "depth", "lr", "batch", "N", "D", "loss"), List.copyOf(fields.keySet()));
    TrialPoint row = g.rows().get(0);
    assertEquals(row.trialId(), p.tip().title());
    assertEquals("64", fields.get("width"));
    assertEquals(
        String.format(java.util.Locale.ROOT, "%.4f ± 0.0040", row.point().loss()),
        fields.get("loss"));
  }

  // ------------------------------------------------------------------ Figure 2

  @Test
  void figure2_envelopeIsTheLowestCurveAtEachCompute() {
    // Each curve is an exact power law in compute, so log-log interpolation is exact.
    double[] ns = {1e5, 4e5, 1.6e6};
    double[] k = {6.0, 9.0, 14.0};
    double[] s = {0.04, 0.06, 0.08};
    List<CurveSample> curves = new ArrayList<>();
    Map<String, Double> nById = new HashMap<>();
    for (int m = 0; m < ns.length; m++) {
      String id = "m" + m;
      nById.put(id, ns[m]);
      for (int step = 1; step <= 120; step++) {
        long tokens = step * 50_000L;
        double c = 6 * ns[m] * tokens;
        curves.add(new CurveSample(id, step, tokens, 1e-3, Double.NaN, k[m] * Math.pow(c, -s[m])));
      }
    }
    var byTrial = PaperFigures.computeCurves(curves, nById);
    List<PaperFigures.EnvelopePoint> env = PaperFigures.envelope(byTrial);
    // Computed at the thinned computes only, the envelope is the whole one thinned.
    assertEquals(PaperFigures.thin(env, 37), PaperFigures.envelope(byTrial, 37));
    long distinct =
        curves.stream()
            .mapToDouble(x -> 6 * nById.get(x.trialId()) * x.tokens())
            .distinct()
            .count();
    assertEquals(300, distinct, "curves of N 4x apart share some compute values");
    assertEquals(distinct, env.size(), "one frontier point per distinct compute sampled");
    for (PaperFigures.EnvelopePoint p : env) {
      double min = Double.POSITIVE_INFINITY;
      String who = null;
      for (int m = 0; m < ns.length; m++) {
        double cLo = 6 * ns[m] * 50_000;
        double cHi = 6 * ns[m] * 120 * 50_000;
        double l = k[m] * Math.pow(p.compute(), -s[m]);
        if (p.compute() >= cLo && p.compute() <= cHi && l < min) {
          min = l;
          who = "m" + m;
        }
      }
      assertEquals(min, p.loss(), min * 1e-12, "envelope at C=" + p.compute());
      assertEquals(who, p.trialId());
    }
    // The chart draws each curve and the envelope.
    List<TrialPoint> rows = new ArrayList<>();
    for (int m = 0; m < ns.length; m++) {
      rows.add(new TrialPoint("m" + m, new ScalingPoint(ns[m], 2_000_000, 3)));
    }
    PaperFigures f = PaperFigures.of(analysis(rows), rows, curves, SweepFacts.builder().build());
    Chart c = f.figure(KaplanFigure.FIGURE_2).charts().get(0);
    assertEquals(4, c.series().size());
    assertEquals(
        PaperFigures.MAX_CURVE_POINTS, series(c, "m0").points().size(), "curves are thinned");
    assertEquals(
        4 * PaperFigures.MAX_CURVE_POINTS,
        series(c, "compute-efficient frontier").points().size(),
        "the frontier is thinned too");
  }

  @Test
  void figure2_missingWithoutCurves() {
    Grid g = grid(WIDTHS, DEPTHS, TOKENS, TRUTH);
    PaperFigures f =
        PaperFigures.of(analysis(g.rows(), TRUTH), g.rows(), List.of(), facts(g.trials(), null));
    FigureStatus s = status(f, KaplanFigure.FIGURE_2);
    assertFalse(s.present());
    assertTrue(s.reason().contains("learning curves"), s.reason());
    assertTrue(f.figure(KaplanFigure.FIGURE_2).charts().isEmpty());
  }

  // ------------------------------------------------------------------ Figure 5

  @Test
  void figure5_groupsShapesOfNearlyEqualNAndMeasuresTheirLossIncrease() {
    Grid g = grid(WIDTHS, DEPTHS, new long[] {32_000_000}, TRUTH);
    Map<String, TrialFacts> byId = new HashMap<>();
    g.trials().forEach(t -> byId.put(t.trialId(), t));
    List<PaperFigures.ShapeGroup> groups =
        PaperFigures.shapeGroups(g.rows(), byId, PaperFigures.SHAPE_N_RATIO);
    // N = 12 d w^2: (64, 8) and (128, 2) share 393216; (128, 8) and (256, 2) share 1572864; no
    // other two shapes lie within a factor 1.5.
    assertEquals(2, groups.size());
    assertEquals(
        Set.of("64x8", "128x2"),
        groups.get(0).points().stream()
            .map(p -> p.trial().width() + "x" + p.trial().depth())
            .collect(Collectors.toSet()));
    assertEquals(
        Set.of("128x8", "256x2"),
        groups.get(1).points().stream()
            .map(p -> p.trial().width() + "x" + p.trial().depth())
            .collect(Collectors.toSet()));
    for (PaperFigures.ShapeGroup group : groups) {
      double lossMin = Double.POSITIVE_INFINITY;
      for (PaperFigures.ShapePoint p : group.points()) {
        lossMin =
            Math.min(
                lossMin,
                TRUTH.predict(p.row().point().n(), 32_000_000)
                    * shape(p.trial().width(), p.trial().depth()));
      }
      for (PaperFigures.ShapePoint p : group.points()) {
        double expected =
            TRUTH.predict(p.row().point().n(), 32_000_000)
                    * shape(p.trial().width(), p.trial().depth())
                    / lossMin
                - 1;
        assertEquals(expected, p.increase(), 1e-12);
      }
      assertEquals(
          0,
          group.points().stream()
              .mapToDouble(PaperFigures.ShapePoint::increase)
              .min()
              .orElseThrow(),
          0);
    }
    Chart c =
        PaperFigures.of(analysis(g.rows(), TRUTH), g.rows(), List.of(), facts(g.trials(), null))
            .figure(KaplanFigure.FIGURE_5)
            .charts()
            .get(0);
    assertEquals(2, c.series().size());
    assertEquals(Scale.LOG, c.x().scale());
    // (64, 8) has aspect ratio 8, (128, 2) has 64.
    List<Double> xs = c.series().get(0).points().stream().map(Point::x).toList();
    assertEquals(List.of(8.0, 64.0), xs);
  }

  @Test
  void figure5_picksTheDWithTheMostGroupedShapes() {
    Grid big = grid(WIDTHS, DEPTHS, new long[] {8_000_000}, TRUTH);
    Grid small = grid(new int[] {64, 128}, new int[] {2, 8}, new long[] {32_000_000}, TRUTH);
    List<TrialPoint> rows = new ArrayList<>(big.rows());
    rows.addAll(small.rows());
    Map<String, TrialFacts> byId = new HashMap<>();
    big.trials().forEach(t -> byId.put(t.trialId(), t));
    small.trials().forEach(t -> byId.put(t.trialId(), t));
    List<PaperFigures.ShapeGroup> groups = PaperFigures.shapeGroups(rows, byId, 1.5);
    assertEquals(2, groups.size(), "D = 8e6 has two groups, D = 3.2e7 one");
    assertEquals(8_000_000, groups.get(0).d());
  }

  // ------------------------------------------------------------------ Figure 9

  @Test
  void figure9_kaplanFormCollapsesRowsOfDifferentNOntoOneCurve() {
    double r = KAPLAN.alphaN() / KAPLAN.alphaD();
    double[] ns = {1e5, 1e6, 1e7};
    double[] xs = {1e-4, 1e-3, 1e-2, 1e-1};
    List<TrialPoint> rows = new ArrayList<>();
    int i = 0;
    for (double n : ns) {
      for (double x : xs) {
        double d = Math.pow(n, r) / x;
        // +-0.05% deterministic scatter, as evaluation noise would add.
        double loss = KAPLAN.predict(n, d) * (1 + 0.0005 * ((i++ % 3) - 1));
        rows.add(new TrialPoint("k" + i, new ScalingPoint(n, d, loss)));
      }
    }
    PaperFigures f =
        PaperFigures.of(analysis(rows, KAPLAN), rows, List.of(), SweepFacts.builder().build());
    Chart c = f.figure(KaplanFigure.FIGURE_9).charts().get(0);
    assertTrue(c.title().contains("kaplan form"), c.title());
    List<Series> byN = c.series().stream().filter(s -> s.name().startsWith("N = ")).toList();
    assertEquals(3, byN.size());
    double coef = KAPLAN.dc() / Math.pow(KAPLAN.nc(), r);
    for (Series s : byN) {
      for (Point p : s.points()) {
        // Independently: (1 + D_c x / N_c^r)^alpha_D - 1 at this x.
        double curve = Math.pow(1 + coef * p.x(), KAPLAN.alphaD()) - 1;
        assertEquals(curve, p.y(), 0.0011 * (1 + curve), "point at x=" + p.x());
      }
    }
    // Rows of different N at the same x land within the scatter of each other.
    for (int a = 0; a < byN.size(); a++) {
      for (int b = a + 1; b < byN.size(); b++) {
        for (int k = 0; k < xs.length; k++) {
          Point pa = byN.get(a).points().get(k);
          Point pb = byN.get(b).points().get(k);
          assertEquals(pa.x(), pb.x(), pa.x() * 1e-9);
          assertEquals(pa.y(), pb.y(), 0.0021 * (1 + pa.y()), "collapse at x=" + pa.x());
        }
      }
    }
    // The y values span a wide range, so the collapse is not trivial.
    double yMin = byN.get(0).points().get(0).y();
    double yMax = byN.get(0).points().get(3).y();
    assertTrue(yMax / yMin > 100, "y spans " + yMin + " to " + yMax);
    Series line = series(c, "kaplan fit");
    for (Point p : line.points()) {
      assertEquals(Math.pow(1 + coef * p.x(), KAPLAN.alphaD()) - 1, p.y(), 1e-9 * (1 + p.y()));
    }
  }

  @Test
  void figure9_fallsBackToChinchillaAndSaysSo() {
    Grid g = grid(WIDTHS, new int[] {4}, TOKENS, TRUTH);
    PaperFigures f =
        PaperFigures.of(analysis(g.rows(), TRUTH), g.rows(), List.of(), facts(g.trials(), null));
    Chart c = f.figure(KaplanFigure.FIGURE_9).charts().get(0);
    assertTrue(c.title().contains("chinchilla form"), c.title());
    for (Series s : c.series().stream().filter(x -> x.name().startsWith("N = ")).toList()) {
      for (Point p : s.points()) {
        TrialPoint row =
            g.rows().stream()
                .filter(x -> x.trialId().equals(p.tip().title()))
                .findFirst()
                .orElseThrow();
        double n = row.point().n();
        double d = row.point().d();
        assertEquals(Math.pow(n, 0.34 / 0.28) / d, p.x(), p.x() * 1e-9);
        assertEquals(row.point().loss() / (1.8 + 400 / Math.pow(n, 0.34)) - 1, p.y(), 1e-12);
      }
    }
  }

  @Test
  void figure9_missingWithoutAJointLaw() {
    Grid g = grid(WIDTHS, new int[] {4}, TOKENS, TRUTH);
    PaperFigures f =
        PaperFigures.of(analysis(g.rows()), g.rows(), List.of(), facts(g.trials(), null));
    assertFalse(status(f, KaplanFigure.FIGURE_9).present());
    assertTrue(status(f, KaplanFigure.FIGURE_9).reason().contains("joint law"));
  }

  // ------------------------------------------------------------------ Figure 16

  private static List<CurveSample> curve(String id, java.util.function.LongToDoubleFunction loss) {
    List<CurveSample> out = new ArrayList<>();
    for (long step = 100; step <= 1000; step += 100) {
      out.add(new CurveSample(id, step, step * 2048, 1e-3, 9.0, loss.applyAsDouble(step)));
    }
    return out;
  }

  @Test
  void figure16_stopStepIsTheBestEvaluationAndStoppedOnlyPastTheNoise() {
    var u = PaperFigures.stopStep("u", curve("u", s -> 3 + 1e-6 * (s - 600) * (s - 600)), 0.01);
    assertEquals(600, u.step());
    assertEquals(1000, u.lastStep());
    assertTrue(u.stopped(), "the loss rose by 0.16 after step 600");
    var falling = PaperFigures.stopStep("f", curve("f", s -> 3 + 100.0 / s), 0.01);
    assertEquals(1000, falling.step());
    assertFalse(falling.stopped());
    var flat = PaperFigures.stopStep("n", curve("n", s -> 3 + 1e-8 * (s - 600) * (s - 600)), 0.01);
    assertEquals(600, flat.step());
    assertFalse(flat.stopped(), "a rise of 0.0016 is within the noise 0.01");
    List<CurveSample> two = curve("t", s -> 3).subList(0, 2);
    assertNull(PaperFigures.stopStep("t", two, 0));
  }

  @Test
  void figure16_plotsTheMeasuredStepAgainstEquation57() {
    KaplanSFit steps = new KaplanSFit(1e9, 0.08, 2.1e3, 0.76, null, null, null, null, 12, 0.01);
    double[] ns = {1e5, 1e6};
    long[] ds = {1_000_000, 4_000_000};
    List<TrialPoint> rows = new ArrayList<>();
    List<CurveSample> curves = new ArrayList<>();
    int k = 0;
    for (double n : ns) {
      for (long d : ds) {
        String id = "s" + k;
        long best = 300 + 100L * k++;
        rows.add(new TrialPoint(id, new ScalingPoint(n, d, KAPLAN.predict(n, d))));
        curves.addAll(curve(id, s -> 3 + 1e-6 * (s - best) * (s - best)));
      }
    }
    SweepFacts facts = SweepFacts.builder().evalNoise(0.01, 4096).stepLaw(steps).build();
    PaperFigures f = PaperFigures.of(analysis(rows, KAPLAN), rows, curves, facts);
    assertTrue(status(f, KaplanFigure.FIGURE_16).present());
    Chart c = f.figure(KaplanFigure.FIGURE_16).charts().get(0);
    List<Point> stopped = series(c, "held-out loss rose").points();
    assertEquals(4, stopped.size());
    for (int i = 0; i < stopped.size(); i++) {
      Point p = stopped.get(i);
      TrialPoint row = rows.get(i);
      double n = row.point().n();
      double d = row.point().d();
      double gap = KAPLAN.predict(n, d) - Math.pow(KAPLAN.nc() / n, KAPLAN.alphaN());
      assertEquals(2.1e3 / Math.pow(gap, 1 / 0.76), p.x(), p.x() * 1e-12);
      assertEquals(300 + 100 * i, p.y(), 0);
      assertEquals(row.trialId(), p.tip().title());
    }
  }

  // ------------------------------------------------------------------ statuses and section

  @Test
  void statuses_widthOnlyGridMissesTheShapeStudyAndTheBatchFigure() {
    Grid g = grid(WIDTHS, new int[] {4}, TOKENS, TRUTH);
    PaperFigures f =
        PaperFigures.of(analysis(g.rows(), TRUTH), g.rows(), List.of(), facts(g.trials(), null));
    assertEquals(
        List.of(
            KaplanFigure.FIGURE_1,
            KaplanFigure.FIGURE_2,
            KaplanFigure.FIGURE_5,
            KaplanFigure.FIGURE_9,
            KaplanFigure.FIGURE_16),
        f.statuses().stream().map(FigureStatus::figure).toList());
    FigureStatus shape = status(f, KaplanFigure.FIGURE_5);
    assertFalse(shape.present());
    assertTrue(shape.reason().contains("add values to grid.depth"), shape.reason());
    FigureStatus stop = status(f, KaplanFigure.FIGURE_16);
    assertFalse(stop.present());
    assertTrue(stop.reason().contains("grid.batch_size with 3+ values"), stop.reason());
    assertTrue(status(f, KaplanFigure.FIGURE_1).present());
    assertTrue(status(f, KaplanFigure.FIGURE_9).present());
  }

  @Test
  void statuses_widthByDepthGridHasTheShapeStudy() {
    Grid g = grid(WIDTHS, DEPTHS, TOKENS, TRUTH);
    PaperFigures f =
        PaperFigures.of(analysis(g.rows(), TRUTH), g.rows(), List.of(), facts(g.trials(), null));
    assertTrue(status(f, KaplanFigure.FIGURE_5).present());
    // Without the trials' shapes (a plain table) the study cannot group them.
    PaperFigures table =
        PaperFigures.of(
            analysis(g.rows(), TRUTH), g.rows(), List.of(), SweepFacts.builder().build());
    assertFalse(status(table, KaplanFigure.FIGURE_5).present());
    assertTrue(status(table, KaplanFigure.FIGURE_5).reason().contains("widths and depths"));
  }

  @Test
  void statuses_batchAxisBringsFigure16() {
    Grid g = grid(WIDTHS, DEPTHS, TOKENS, TRUTH);
    List<CurveSample> curves = new ArrayList<>();
    for (TrialPoint r : g.rows()) {
      curves.addAll(curve(r.trialId(), s -> 3 + 100.0 / s));
    }
    KaplanSFit steps = new KaplanSFit(1e9, 0.08, 2.1e3, 0.76, null, null, null, null, 12, 0.01);
    PaperFigures without =
        PaperFigures.of(analysis(g.rows(), TRUTH), g.rows(), curves, facts(g.trials(), null));
    PaperFigures with =
        PaperFigures.of(analysis(g.rows(), TRUTH), g.rows(), curves, facts(g.trials(), steps));
    assertFalse(status(without, KaplanFigure.FIGURE_16).present());
    FigureStatus s = status(with, KaplanFigure.FIGURE_16);
    assertTrue(s.present());
    assertTrue(s.reason().contains("bounds its stopping step from below"), s.reason());
    assertEquals(
        g.rows().size(),
        series(with.figure(KaplanFigure.FIGURE_16).charts().get(0), "still improving")
            .points()
            .size());
    assertTrue(status(with, KaplanFigure.FIGURE_2).present());
  }

  @Test
  void drawn_aFigureThatFailsIsMissingWithItsError() {
    PaperFigures.Figure f =
        PaperFigures.drawn(
            KaplanFigure.FIGURE_5,
            () -> {
              throw new IllegalArgumentException("chart point must have finite coordinates");
            });
    assertFalse(f.status().present());
    assertTrue(f.status().reason().contains("finite coordinates"), f.status().reason());
    assertTrue(f.charts().isEmpty());
  }

  @Test
  void figureStatus_missingNeedsAReason() {
    assertThrows(
        IllegalArgumentException.class, () -> FigureStatus.missing(KaplanFigure.FIGURE_5, " "));
  }

  @Test
  void html_listsEveryFigureAndDrawsThePresentOnes() {
    Grid g = grid(WIDTHS, new int[] {4}, TOKENS, TRUTH);
    PaperFigures f =
        PaperFigures.of(analysis(g.rows(), TRUTH), g.rows(), List.of(), facts(g.trials(), null));
    String html = f.html();
    assertTrue(html.startsWith("<h2>Figures</h2>"));
    for (KaplanFigure k : KaplanFigure.values()) {
      assertTrue(html.contains("<b>" + k.label() + "</b>"), k.label());
    }
    assertTrue(html.contains("<b>missing</b>, needs at least two depths"));
    int charts = html.split("class=\"chart\"", -1).length - 1;
    int expected = f.figures().stream().mapToInt(x -> x.charts().size()).sum();
    assertEquals(expected, charts);
    assertEquals(4, expected, "Figure 1's three charts and Figure 9's");
  }

  @Test
  void reportWriter_placesTheFiguresSectionAfterTheFittedLaws(@TempDir Path dir) throws Exception {
    Grid g = grid(WIDTHS, DEPTHS, TOKENS, TRUTH);
    ScalingAnalysis a = analysis(g.rows(), TRUTH);
    Path index =
        ReportWriter.write(
            a,
            AllocationStudy.run(a, null, List.of()),
            g.rows(),
            List.of(),
            facts(g.trials(), null),
            List.of(),
            null,
            dir);
    String html = Files.readString(index);
    int laws = html.indexOf("<h2>Fitted laws</h2>");
    int figures = html.indexOf("<h2>Figures</h2>");
    assertTrue(laws >= 0 && figures > laws, "Figures after Fitted laws");
    assertEquals(figures, html.lastIndexOf("<h2>Figures</h2>"), "one Figures section");
  }
}
