package dev.scaling.common.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScalingAnalysisTest {
  private static final FitOptions QUICK =
      FitOptions.defaults().withGrid(StartGrid.COARSE).withBootstrap(50, 3);

  @Test
  void analyse_fitsEveryDefaultFormWithBacktestOptimumAndSingleVariableLaws() {
    List<ScalingPoint> rows = Synthetic.crossed(Synthetic.CHINCHILLA, 8, 10, 0.003, 5);
    ScalingAnalysis a = new ScalingFitter(QUICK).analyse(rows, LawForm.defaults());
    assertEquals(
        List.of(LawForm.CHINCHILLA, LawForm.KAPLAN, LawForm.POWER_N, LawForm.POWER_D),
        a.fits().stream().map(LawFit::form).toList());
    assertTrue(a.skipped().isEmpty(), a.skipped().toString());
    assertTrue(a.warnings().isEmpty(), "a crossed design draws no warning: " + a.warnings());
    Backtest bt = a.fit(LawForm.CHINCHILLA).backtest();
    assertEquals(16, bt.heldOutRows(), "20% of 80 rows");
    assertTrue(bt.meanRelError() < 0.01, "Chinchilla extrapolates its own data: " + bt);
    assertEquals(
        0.28 / (0.34 + 0.28), a.computeOptimal().orElseThrow().a(), 0.03, "a = beta/(alpha+beta)");
    assertEquals(
        8, a.fit(LawForm.POWER_N).fit().nPoints(), "L(N) uses the 8 rows at the largest D");
    assertEquals(
        10, a.fit(LawForm.POWER_D).fit().nPoints(), "L(D) uses the 10 rows at the largest N");
    assertNotNull(a.fit(LawForm.CHINCHILLA).bootstrap().get(ComputeOptimal.Quantity.N_OPT));
    assertEquals(
        6 * 3e9 * 1e11, a.optimalCompute(), 1e-6 * 6 * 3e9 * 1e11, "the largest 6ND of the table");
    for (LawFit f : a.fits()) {
      assertFalse(
          f.fit().isAtBound(),
          f.form() + " fits data of its own form inside the domain: " + f.fit());
    }
  }

  /**
   * The closed form against a brute-force search: at fixed C = 6ND, L(N, C/(6N)) of the law is
   * minimised over a fine grid of log N, independently of ComputeOptimal's formula.
   */
  @Test
  void computeOptimal_matchesBruteForceMinimisationOfTheLawAtFixedCompute() {
    ChinchillaParams law = Synthetic.CHINCHILLA;
    ComputeOptimal o = law.computeOptimal().orElseThrow();
    double[] nOpts = new double[3];
    double[] computes = {1e19, 1e21, 1e23};
    for (int c = 0; c < computes.length; c++) {
      double flops = computes[c];
      double bestN = Double.NaN;
      double bestL = Double.POSITIVE_INFINITY;
      for (double logN = Math.log(1e4); logN <= Math.log(1e13); logN += 1e-5) {
        double n = Math.exp(logN);
        double loss = law.predict(n, flops / (6 * n));
        if (loss < bestL) {
          bestL = loss;
          bestN = n;
        }
      }
      assertEquals(bestN, o.nOpt(flops), 1e-4 * bestN, "N_opt at C = " + flops);
      assertEquals(
          flops / (6 * bestN), o.dOpt(flops), 1e-4 * flops / (6 * bestN), "D_opt at C = " + flops);
      nOpts[c] = bestN;
    }
    double slope = Math.log(nOpts[2] / nOpts[0]) / Math.log(computes[2] / computes[0]);
    assertEquals(slope, o.a(), 1e-4, "N_opt ~ C^a over four decades of brute-force optima");
  }

  @Test
  void computeOptimal_isAbsentWhereABoundLeavesItUndefined() {
    assertTrue(new ChinchillaParams(1.7, 400, 0, 0.34, 0.28).computeOptimal().isEmpty(), "B = 0");
    assertTrue(
        new ChinchillaParams(1.7, 400, 400, 0.34, -0.1).computeOptimal().isEmpty(), "beta < 0");
  }

  /**
   * A loss that does not depend on D drives every law's D side to its bound: the fits are reported
   * at bound, the other forms still fit, and nothing throws.
   */
  @Test
  void analyse_lossIndependentOfD_reportsBoundsAndFitsEveryForm() {
    Random rng = new Random(9);
    List<ScalingPoint> rows = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      double n = 1e7 * Math.pow(300, i / 7.0);
      for (int j = 0; j < 8; j++) {
        double d = 1e9 * Math.pow(100, j / 7.0);
        rows.add(
            new ScalingPoint(
                n, d, (1.69 + 406.4 / Math.pow(n, 0.34)) * Math.exp(0.002 * rng.nextGaussian())));
      }
    }
    ScalingAnalysis a = new ScalingFitter(QUICK).analyse(rows, LawForm.defaults());
    assertEquals(LawForm.defaults().size(), a.fits().size() + a.skipped().size());
    assertTrue(a.skipped().isEmpty(), a.skipped().toString());
    FitResult chin = a.fit(LawForm.CHINCHILLA).fit();
    assertTrue(
        chin.atBound().contains("B") || chin.atBound().contains("beta"),
        "Chinchilla's D term at its bound: " + chin.atBound() + " " + chin.params());
    // Kaplan has no offset: it imitates the floor with Dc/D and alphaD -> 0 rather than reach a
    // bound.
    assertTrue(
        Double.isFinite(a.fit(LawForm.KAPLAN).fit().objective()),
        "Kaplan fitted: " + a.fit(LawForm.KAPLAN));
    assertTrue(
        a.fit(LawForm.POWER_D).fit().isAtBound(), "L(D) at bound: " + a.fit(LawForm.POWER_D).fit());
    assertFalse(a.fit(LawForm.POWER_N).fit().isAtBound(), "L(N) is the law that made the data");
    assertEquals(0.34, ((PowerLawParams) a.fit(LawForm.POWER_N).fit().params()).alpha(), 0.03);
  }

  @Test
  void analyse_singleVariableFormWithTooFewRows_isSkippedNotFatal() {
    List<ScalingPoint> rows =
        new ArrayList<>(Synthetic.crossed(Synthetic.CHINCHILLA, 6, 6, 0.003, 2));
    rows.add(
        new ScalingPoint(
            1e7, 1e12, Synthetic.CHINCHILLA.predict(1e7, 1e12))); // one row at the largest D
    ScalingAnalysis a =
        new ScalingFitter(QUICK.withBootstrap(0, 1)).analyse(rows, LawForm.defaults());
    assertEquals(
        List.of(LawForm.POWER_N), a.skipped().stream().map(ScalingAnalysis.Skipped::form).toList());
    assertEquals(
        "power_n needs at least 4 rows at the largest D, found 1", a.skipped().get(0).reason());
    assertEquals(3, a.fits().size());
  }

  @Test
  void identifiability_warnsWhenTokensPerParameterIsConstant() {
    List<ScalingPoint> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      double n = 1e7 * Math.pow(1.4, i);
      rows.add(new ScalingPoint(n, 20 * n, Synthetic.CHINCHILLA.predict(n, 20 * n)));
    }
    List<IdentifiabilityWarning> w = Identifiability.check(rows);
    assertEquals(IdentifiabilityWarning.Kind.CONSTANT_TOKENS_PER_PARAM, w.get(0).kind());
    assertTrue(w.get(0).message().contains("20.0"), w.get(0).message());
  }

  @Test
  void identifiability_warnsOnFewDistinctSizes() {
    List<ScalingPoint> rows = Synthetic.table(Synthetic.CHINCHILLA, 2, 10, 0, 1);
    List<IdentifiabilityWarning> w = Identifiability.check(rows);
    assertNotNull(
        w.stream()
            .filter(x -> x.kind() == IdentifiabilityWarning.Kind.FEW_DISTINCT_N)
            .findFirst()
            .orElse(null),
        w.toString());
    assertTrue(w.stream().anyMatch(x -> x.message().contains("only 2 distinct model sizes")));
  }

  @Test
  void options_rejectNonPositiveDelta() {
    SpecException e =
        assertThrows(SpecException.class, () -> FitOptions.defaults().withHuberDelta(-1));
    assertEquals("huber_delta must be positive and finite, found -1.0", e.getMessage());
  }

  @Test
  void fit_exactDataReachesZeroObjective() {
    List<ScalingPoint> rows = Synthetic.table(Synthetic.CHINCHILLA, 6, 6, 0, 1);
    FitResult fit = new ScalingFitter(QUICK).fit(LawForm.CHINCHILLA, rows);
    assertTrue(fit.objective() < 1e-12, "noise-free data fits exactly: " + fit.objective());
    assertEquals(0.34, ((ChinchillaParams) fit.params()).alpha(), 1e-4);
  }
}
