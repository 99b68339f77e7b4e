package dev.scaling.common.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalingAnalysisTest {
  private static final FitOptions QUICK =
      FitOptions.defaults().withGrid(StartGrid.COARSE).withBootstrap(50, 3);

  @Test
  void analyse_fitsBothFormsWithBacktestOptimumAndSingleVariableLaws() {
    List<ScalingPoint> rows = Synthetic.crossed(Synthetic.CHINCHILLA, 8, 10, 0.003, 5);
    ScalingAnalysis a = new ScalingFitter(QUICK).analyse(rows, List.of(LawForm.CHINCHILLA, LawForm.KAPLAN));
    assertEquals(2, a.fits().size());
    assertTrue(a.warnings().isEmpty(), "a crossed design draws no warning: " + a.warnings());
    Backtest bt = a.fit(LawForm.CHINCHILLA).backtest();
    assertEquals(16, bt.heldOutRows());
    assertTrue(bt.meanRelError() < 0.01, "Chinchilla extrapolates its own data: " + bt);
    ComputeOptimal truth = Synthetic.CHINCHILLA.computeOptimal();
    assertEquals(truth.a(), a.computeOptimal().a(), 0.03);
    assertEquals(2, a.singleVariable().size());
    assertEquals(LawForm.POWER_N, a.singleVariable().get(0).form());
    assertEquals(8, a.singleVariable().get(0).nPoints(), "L(N) uses the 8 rows at the largest D");
    assertEquals(10, a.singleVariable().get(1).nPoints(), "L(D) uses the 10 rows at the largest N");
  }

  @Test
  void computeOptimal_matchesClosedForm() {
    ComputeOptimal o = Synthetic.CHINCHILLA.computeOptimal();
    assertEquals(0.28 / 0.62, o.a(), 1e-12);
    assertEquals(0.34 / 0.62, o.b(), 1e-12);
    double c = 1e23;
    assertEquals(c / 6, o.nOpt(c) * o.dOpt(c), 1e-6 * c);
    // At N_opt the marginal losses balance: alpha A / N^alpha = beta B / D^beta.
    double n = o.nOpt(c);
    double d = o.dOpt(c);
    assertEquals(0.34 * 406.4 / Math.pow(n, 0.34), 0.28 * 410.7 / Math.pow(d, 0.28), 1e-9);
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
    assertNotNull(w.stream().filter(x -> x.kind() == IdentifiabilityWarning.Kind.FEW_DISTINCT_N)
        .findFirst().orElse(null), w.toString());
    assertTrue(w.stream().anyMatch(x -> x.message().contains("only 2 distinct model sizes")));
  }

  @Test
  void options_rejectNonPositiveDelta() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FitOptions.defaults().withHuberDelta(-1));
    assertEquals("huber_delta must be positive, found -1.0", e.getMessage());
  }

  @Test
  void fit_exactDataReachesZeroObjective() {
    List<ScalingPoint> rows = Synthetic.table(Synthetic.CHINCHILLA, 6, 6, 0, 1);
    FitResult fit = new ScalingFitter(QUICK).fit(LawForm.CHINCHILLA, rows);
    assertTrue(fit.objective() < 1e-12, "noise-free data fits exactly: " + fit.objective());
    assertEquals(0.34, ((ChinchillaParams) fit.params()).alpha(), 1e-4);
  }
}
