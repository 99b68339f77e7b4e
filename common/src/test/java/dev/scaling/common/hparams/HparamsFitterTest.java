package dev.scaling.common.hparams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.fit.Interval;
import dev.scaling.common.spec.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HparamsFitterTest {
  // StepLaw's published laws (Li et al. 2025) as the truth of the synthetic grid.
  static final double LR_C = 1.79;
  static final double LR_A = -0.713;
  static final double LR_B = 0.307;
  static final double BS_C = 0.58;
  static final double BS_E = 0.571;

  /**
   * 4 N x 3 D = 12 cells, each a 5 x 3 grid (learning rates a factor sqrt 2 apart, batch sizes a
   * factor 2) centred on the cell's optimum: the law's value times a log-normal scatter of 0.15,
   * which is what the intervals must cover. Loss rises quadratically in log lr and log B away from
   * the optimum, with 0.04% noise: 180 runs.
   */
  static List<HparamsRun> grid(long seed) {
    Random rng = new Random(seed);
    List<HparamsRun> runs = new ArrayList<>();
    for (double n : new double[] {2e7, 8e7, 3e8, 1.2e9}) {
      for (double d : new double[] {2e9, 8e9, 3.2e10}) {
        double lrOpt =
            LR_C * Math.pow(n, LR_A) * Math.pow(d, LR_B) * Math.exp(0.15 * rng.nextGaussian());
        double bsOpt = BS_C * Math.pow(d, BS_E) * Math.exp(0.15 * rng.nextGaussian());
        double base = 2 + 400 / Math.pow(n, 0.34) + 400 / Math.pow(d, 0.28);
        for (int i = -2; i <= 2; i++) {
          for (int j = -1; j <= 1; j++) {
            double lr = lrOpt * Math.pow(2, i / 2.0);
            double bs = bsOpt * Math.pow(2, j);
            double pen = 0.01 * sq(Math.log(lr / lrOpt)) + 0.01 * sq(Math.log(bs / bsOpt));
            double loss = base * (1 + pen) * Math.exp(0.0004 * rng.nextGaussian());
            runs.add(new HparamsRun("r" + runs.size(), n, d, lr, bs, loss, null));
          }
        }
      }
    }
    return runs;
  }

  private static double sq(double v) {
    return v * v;
  }

  /** The runs kept as optimal, selected here: per (N, D), loss <= cell minimum x (1 + tol). */
  private static List<HparamsRun> keptHere(List<HparamsRun> runs, double tol) {
    Map<String, List<HparamsRun>> byCell = new LinkedHashMap<>();
    for (HparamsRun r : runs) {
      byCell.computeIfAbsent(r.n() + "/" + r.d(), k -> new ArrayList<>()).add(r);
    }
    List<HparamsRun> kept = new ArrayList<>();
    for (List<HparamsRun> cell : byCell.values()) {
      double best = Double.MAX_VALUE;
      for (HparamsRun r : cell) {
        best = Math.min(best, r.smoothLoss() != null ? r.smoothLoss() : r.loss());
      }
      for (HparamsRun r : cell) {
        if ((r.smoothLoss() != null ? r.smoothLoss() : r.loss()) <= best * (1 + tol)) {
          kept.add(r);
        }
      }
    }
    return kept;
  }

  /**
   * Least squares y = X beta by modified Gram-Schmidt QR of the raw (uncentred) design, then back
   * substitution: independent of the fitter's centred normal equations.
   */
  static double[] leastSquares(double[][] x, double[] y) {
    int n = x.length;
    int p = x[0].length;
    double[][] q = new double[p][n];
    for (int j = 0; j < p; j++) {
      for (int i = 0; i < n; i++) {
        q[j][i] = x[i][j];
      }
    }
    double[][] r = new double[p][p];
    for (int j = 0; j < p; j++) {
      for (int k = 0; k < j; k++) {
        double dot = 0;
        for (int i = 0; i < n; i++) {
          dot += q[k][i] * q[j][i];
        }
        r[k][j] = dot;
        for (int i = 0; i < n; i++) {
          q[j][i] -= dot * q[k][i];
        }
      }
      double norm = 0;
      for (int i = 0; i < n; i++) {
        norm += q[j][i] * q[j][i];
      }
      norm = Math.sqrt(norm);
      r[j][j] = norm;
      for (int i = 0; i < n; i++) {
        q[j][i] /= norm;
      }
    }
    double[] qty = new double[p];
    for (int j = 0; j < p; j++) {
      for (int i = 0; i < n; i++) {
        qty[j] += q[j][i] * y[i];
      }
    }
    double[] beta = new double[p];
    for (int j = p - 1; j >= 0; j--) {
      double s = qty[j];
      for (int k = j + 1; k < p; k++) {
        s -= r[j][k] * beta[k];
      }
      beta[j] = s / r[j][j];
    }
    return beta;
  }

  /** [intercept, slope N, slope D] of log lr, or of log B with {@code batch}, over {@code runs}. */
  static double[] ownFit(List<HparamsRun> runs, boolean batch, boolean withN) {
    double[][] x = new double[runs.size()][];
    double[] y = new double[runs.size()];
    for (int i = 0; i < runs.size(); i++) {
      HparamsRun r = runs.get(i);
      x[i] =
          withN
              ? new double[] {1, Math.log(r.n()), Math.log(r.d())}
              : new double[] {1, Math.log(r.d())};
      y[i] = Math.log(batch ? r.batchTokens() : r.lr());
    }
    double[] b = leastSquares(x, y);
    return withN ? b : new double[] {b[0], 0, b[1]};
  }

  private static void assertCovers(Interval ci, double truth, String name) {
    assertNotNull(ci, name + " has an interval");
    assertTrue(ci.contains(truth), name + " interval " + ci + " covers the truth " + truth);
  }

  @Test
  void fit_exponentsEqualAnIndependentLeastSquaresAndIntervalsCoverTheTruth() {
    List<HparamsRun> runs = grid(11);
    assertTrue(runs.size() >= 100);
    HparamsFit fit = HparamsFitter.fit(runs, HparamsOptions.defaults());
    assertEquals(12, fit.cells().size());
    List<HparamsRun> kept = keptHere(runs, 0.0025);
    assertEquals(kept.size(), fit.runsKept());
    assertTrue(kept.size() > fit.cells().size(), "some cells keep more than their best run");

    double[] lr = ownFit(kept, false, true);
    double[] bs = ownFit(kept, true, false);
    assertEquals(Math.exp(lr[0]), fit.lr().c().estimate(), 1e-9 * Math.exp(lr[0]));
    assertEquals(lr[1], fit.lr().nExponent().estimate(), 1e-9);
    assertEquals(lr[2], fit.lr().dExponent().estimate(), 1e-9);
    assertEquals(Math.exp(bs[0]), fit.batch().c().estimate(), 1e-9 * Math.exp(bs[0]));
    assertEquals(bs[2], fit.batch().dExponent().estimate(), 1e-9);
    assertNull(fit.batch().nExponent(), "B* on D alone by default");
    assertEquals(
        List.of("lr_c", "lr_a_N", "lr_b_D", "bs_c", "bs_e_D"),
        fit.parameters().stream().map(HparamsEstimate::name).toList());

    assertCovers(fit.lr().c().ci(), LR_C, "lr_c");
    assertCovers(fit.lr().nExponent().ci(), LR_A, "lr_a_N");
    assertCovers(fit.lr().dExponent().ci(), LR_B, "lr_b_D");
    assertCovers(fit.batch().c().ci(), BS_C, "bs_c");
    assertCovers(fit.batch().dExponent().ci(), BS_E, "bs_e_D");
    assertEquals(0, fit.degenerateResamples(), "12 cells of 4 N and 3 D rarely degenerate");
  }

  @Test
  void fit_batchOnNAndD_equalsAnIndependentLeastSquares() {
    List<HparamsRun> runs = grid(5);
    HparamsFit fit =
        HparamsFitter.fit(
            runs, HparamsOptions.defaults().withBatchOn(BatchLawInputs.N_D).withBootstrap(200, 3));
    double[] bs = ownFit(keptHere(runs, 0.0025), true, true);
    assertEquals(Math.exp(bs[0]), fit.batch().c().estimate(), 1e-9 * Math.exp(bs[0]));
    assertEquals(bs[1], fit.batch().nExponent().estimate(), 1e-9);
    assertEquals(bs[2], fit.batch().dExponent().estimate(), 1e-9);
    assertCovers(fit.batch().nExponent().ci(), 0, "bs_a_N (the truth has no N dependence)");
    assertEquals(
        List.of("lr_c", "lr_a_N", "lr_b_D", "bs_c", "bs_e_D", "bs_a_N"),
        fit.parameters().stream().map(HparamsEstimate::name).toList());
  }

  @Test
  void fit_withoutBootstrap_hasNoIntervalsAndTheSameEstimates() {
    List<HparamsRun> runs = grid(11);
    HparamsFit with = HparamsFitter.fit(runs, HparamsOptions.defaults());
    HparamsFit without = HparamsFitter.fit(runs, HparamsOptions.defaults().withBootstrap(0, 1));
    for (int i = 0; i < with.parameters().size(); i++) {
      assertEquals(with.parameters().get(i).estimate(), without.parameters().get(i).estimate());
      assertNull(without.parameters().get(i).ci());
    }
  }

  private static HparamsRun run(String id, double loss, Double smooth) {
    return new HparamsRun(id, 1e8, 1e10, 1e-3, 65536, loss, smooth);
  }

  @Test
  void keep_selectsRunsWithinTheToleranceOfTheBest() {
    // Best 2.000: within 0.25% means loss <= 2.005.
    List<HparamsRun> cell =
        List.of(
            run("a", 2.010, null),
            run("b", 2.000, null),
            run("c", 2.004, null),
            run("d", 2.0051, null),
            run("e", 2.0049, null));
    assertEquals(
        List.of("b", "c", "e"),
        HparamsFitter.keep(cell, 0.0025).stream().map(HparamsRun::id).toList());
    assertEquals(List.of("b"), HparamsFitter.keep(cell, 0).stream().map(HparamsRun::id).toList());
    // 1%: loss <= 2.02 keeps all five.
    assertEquals(5, HparamsFitter.keep(cell, 0.01).size());
  }

  @Test
  void keep_ranksBySmoothedLossWhenGiven() {
    // The raw losses favour "a"; the smoothed ones favour "b" (best 3.000, limit 3.0075).
    List<HparamsRun> cell =
        List.of(run("a", 2.90, 3.010), run("b", 3.05, 3.000), run("c", 3.20, 3.007));
    assertEquals(
        List.of("b", "c"), HparamsFitter.keep(cell, 0.0025).stream().map(HparamsRun::id).toList());
    HparamsCell one = HparamsFitter.cells(cell, 0.0025).get(0);
    assertEquals("b", one.best().id());
    assertEquals(3, one.runs().size());
  }

  @Test
  void fit_refusesOneCellTwoCellsOneNAndCollinearCells() {
    List<HparamsRun> oneCell = List.of(run("a", 2.0, null), run("b", 2.1, null));
    SpecException e =
        assertThrows(
            SpecException.class, () -> HparamsFitter.fit(oneCell, HparamsOptions.defaults()));
    assertTrue(e.getMessage().contains("one (N, D) cell"), e.getMessage());
    assertTrue(e.getMessage().contains(">= 3 (N, D) cells"), e.getMessage());

    List<HparamsRun> oneN = new ArrayList<>();
    for (double d : new double[] {1e9, 1e10, 1e11}) {
      oneN.add(new HparamsRun("d" + d, 1e8, d, 1e-3, 65536, 2.0, null));
    }
    assertTrue(HparamsFitter.tooFewCells(oneN).contains("1 distinct N and 3 distinct D"));

    // D = 20 N: the Chinchilla ratio puts every cell on one line in (log N, log D).
    List<HparamsRun> onLine = new ArrayList<>();
    for (double n : new double[] {1e7, 1e8, 1e9}) {
      onLine.add(new HparamsRun("n" + n, n, 20 * n, 1e-3, 65536, 2.0, null));
    }
    String why = HparamsFitter.tooFewCells(onLine);
    assertTrue(why.contains("lie on one line"), why);
    assertTrue(why.contains("D = 20.00 N^1.000"), why);
    assertNull(HparamsFitter.tooFewCells(grid(1)));
  }

  @Test
  void run_refusesNonPositiveValuesNamingRowAndColumn() {
    HparamsRun.Columns names =
        new HparamsRun.Columns("n_params", "tokens", "learning_rate", "batch_tokens", "loss", null);
    SpecException e =
        assertThrows(
            SpecException.class,
            () ->
                HparamsRun.builder(names)
                    .where("row 3 (line 4) of t.csv")
                    .n(1e8)
                    .d(1e10)
                    .lr(-1e-3)
                    .batchTokens(65536)
                    .loss(2)
                    .build());
    assertEquals(
        "row 3 (line 4) of t.csv, column learning_rate must be positive and finite, found -0.001",
        e.getMessage());
    assertThrows(SpecException.class, () -> new HparamsRun("x", 1e8, 1e10, 1e-3, 0, 2.0, null));
    assertThrows(
        SpecException.class, () -> new HparamsRun("x", 1e8, 1e10, 1e-3, 1, 2.0, Double.NaN));
  }

  @Test
  void options_refuseAToleranceOutsideZeroToOne() {
    assertThrows(SpecException.class, () -> HparamsOptions.defaults().withTolerance(1));
    assertThrows(SpecException.class, () -> HparamsOptions.defaults().withTolerance(-0.1));
    assertEquals(BatchLawInputs.N_D, BatchLawInputs.parse("--bs-on", "n, d"));
    SpecException e = assertThrows(SpecException.class, () -> BatchLawInputs.parse("--bs-on", "N"));
    assertEquals("--bs-on must be one of [D, N,D], found \"N\"", e.getMessage());
  }
}
