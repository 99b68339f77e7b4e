package dev.scaling.common.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BootstrapCoverageTest {
  @Test
  void bootstrap_isSeededAndCoversEveryParameter() {
    List<ScalingPoint> rows = Synthetic.table(Synthetic.CHINCHILLA, 12, 20, 0.005, 7);
    ScalingFitter fitter = new ScalingFitter(FitOptions.defaults().withBootstrap(1000, 11));
    FitResult fit = fitter.fit(LawForm.CHINCHILLA, rows);
    long t0 = System.nanoTime();
    BootstrapResult a = fitter.bootstrap(fit, rows);
    System.out.printf(
        "bootstrap 1000 x 240 rows: %.2f s, %s%n", (System.nanoTime() - t0) / 1e9, a.intervals());
    BootstrapResult b = fitter.bootstrap(fit, rows);
    assertEquals(a, b, "same seed, same intervals");
    assertEquals(List.of("E", "A", "B", "alpha", "beta"), List.copyOf(a.intervals().keySet()));
    assertEquals(List.of(ComputeOptimal.Quantity.values()), List.copyOf(a.allocation().keySet()));
    ComputeOptimal o = fit.params().computeOptimal().orElseThrow();
    assertTrue(a.get(ComputeOptimal.Quantity.A).contains(o.a()), "a inside its interval");
    for (Map.Entry<String, Double> e : fit.params().named().entrySet()) {
      assertTrue(
          a.get(e.getKey()).contains(e.getValue()), e.getKey() + " estimate inside its interval");
    }
  }

  @Test
  void bootstrap_coversTruthAtAboutNominalRate_overSeeds() {
    int seeds = 40;
    Map<String, Integer> covered = new LinkedHashMap<>();
    ChinchillaParams truth = Synthetic.CHINCHILLA;
    long t0 = System.nanoTime();
    for (int s = 0; s < seeds; s++) {
      List<ScalingPoint> rows = Synthetic.table(truth, 6, 8, 0.01, 100 + s);
      ScalingFitter fitter =
          new ScalingFitter(FitOptions.defaults().withGrid(StartGrid.COARSE).withBootstrap(200, s));
      FitResult fit = fitter.fit(LawForm.CHINCHILLA, rows);
      BootstrapResult boot = fitter.bootstrap(fit, rows);
      for (Map.Entry<String, Double> e : truth.named().entrySet()) {
        if (boot.get(e.getKey()).contains(e.getValue())) {
          covered.merge(e.getKey(), 1, Integer::sum);
        } else {
          covered.merge(e.getKey(), 0, Integer::sum);
        }
      }
    }
    System.out.printf(
        "coverage of 95%% intervals over %d seeds: %s in %.1f s%n",
        seeds, covered, (System.nanoTime() - t0) / 1e9);
    // 95% nominal: 38 of 40 expected; binomial sd ~1.4, so at least 34 (85%) is "about nominal".
    covered.forEach(
        (name, hits) ->
            assertTrue(
                hits >= 34,
                name + " covered in " + hits + " of " + seeds + " seeds, expected about 38"));
  }
}
