package dev.scaling.common.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScalingFitterTest {
  @Test
  void fit_recoversChinchillaParameters_fullGrid240Rows() {
    List<ScalingPoint> rows = Synthetic.table(Synthetic.CHINCHILLA, 12, 20, 0.005, 1);
    ScalingFitter fitter = new ScalingFitter(FitOptions.defaults());
    long t0 = System.nanoTime();
    FitResult fit = fitter.fit(LawForm.CHINCHILLA, rows);
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "chinchilla 240 rows full grid: %.2f s, objective %.6e, %s%n",
        secs, fit.objective(), fit.params());
    ChinchillaParams p = (ChinchillaParams) fit.params();
    assertEquals(0.34, p.alpha(), 0.03);
    assertEquals(0.28, p.beta(), 0.03);
    assertEquals(1.69, p.e(), 0.05);
    assertTrue(fit.objective() <= fitter.objective(Synthetic.CHINCHILLA, rows));
  }

  /**
   * 30 sizes x 20 ratios = 600 (N, D) cells, above {@link ScalingFitter#SCREEN_ABOVE}: the loose
   * multi-start runs on a sample of the cells, the polish on all of them, so the result is still
   * the whole table's optimum: at least as good as the truth, and not improved by polishing it
   * (with the truth as a second start) again.
   */
  @Test
  void fit_screensTheStartsOfALargeTableAndReachesItsOptimum() {
    List<ScalingPoint> rows = Synthetic.table(Synthetic.CHINCHILLA, 30, 20, 0.005, 3);
    assertTrue(rows.size() > ScalingFitter.SCREEN_ABOVE);
    ScalingFitter fitter = new ScalingFitter(FitOptions.defaults());
    FitResult fit = fitter.fit(LawForm.CHINCHILLA, rows);
    ChinchillaParams p = (ChinchillaParams) fit.params();
    assertEquals(0.34, p.alpha(), 0.03);
    assertEquals(0.28, p.beta(), 0.03);
    assertTrue(fit.objective() <= fitter.objective(Synthetic.CHINCHILLA, rows));
    FitResult again =
        fitter.fitFrom(
            LawForm.CHINCHILLA,
            rows,
            List.of(fit.params().toTheta(), Synthetic.CHINCHILLA.toTheta()));
    assertEquals(fit.objective(), again.objective(), fit.objective() * 1e-9);
  }

  @Test
  void fit_recoversKaplanParameters() {
    List<ScalingPoint> rows = Synthetic.table(Synthetic.KAPLAN, 12, 20, 0.005, 2);
    ScalingFitter fitter = new ScalingFitter(FitOptions.defaults());
    long t0 = System.nanoTime();
    FitResult fit = fitter.fit(LawForm.KAPLAN, rows);
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "kaplan 240 rows full grid: %.2f s, objective %.6e, %s%n",
        secs, fit.objective(), fit.params());
    KaplanParams p = (KaplanParams) fit.params();
    assertEquals(0.076, p.alphaN(), 0.005);
    assertEquals(0.095, p.alphaD(), 0.005);
    assertTrue(fit.objective() <= fitter.objective(Synthetic.KAPLAN, rows));
  }
}
