package dev.scaling.common.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real-valued row weights in the scaling fitter (predicted points counted by their precision). */
class WeightedFitTest {
  private static final double DELTA = 1e-3;

  /** Huber_delta of a log residual, as the Chinchilla paper defines it. */
  private static double huber(double r) {
    double a = Math.abs(r);
    return a <= DELTA ? 0.5 * r * r : DELTA * (a - 0.5 * DELTA);
  }

  private static FitOptions options() {
    return FitOptions.defaults().withHuberDelta(DELTA).withBootstrap(0, 1);
  }

  @Test
  void fit_objectiveIsTheWeightedSumOfRowLosses() {
    List<ScalingPoint> rows = Synthetic.crossed(Synthetic.CHINCHILLA, 5, 5, 0.01, 3);
    double[] w = new double[rows.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = i % 3 == 0 ? 0.25 : 1.0;
    }
    FitResult fit = new ScalingFitter(options()).fit(LawForm.CHINCHILLA, rows, w);
    double byHand = 0;
    for (int i = 0; i < rows.size(); i++) {
      ScalingPoint q = rows.get(i);
      byHand += w[i] * huber(Math.log(fit.params().predict(q.n(), q.d())) - Math.log(q.loss()));
    }
    assertEquals(byHand, fit.objective(), 1e-9 * byHand);
  }

  @Test
  void fit_aNearZeroWeightRemovesARowsPull() {
    List<ScalingPoint> clean = Synthetic.crossed(Synthetic.CHINCHILLA, 6, 6, 0.002, 4);
    List<ScalingPoint> rows = new ArrayList<>(clean);
    // Four rows 50% too high: off the law by far more than the noise.
    int[] bad = {5, 17, 29, 35};
    for (int i : bad) {
      ScalingPoint q = rows.get(i);
      rows.set(i, new ScalingPoint(q.n(), q.d(), q.loss() * 1.5));
    }
    double[] w = new double[rows.size()];
    Arrays.fill(w, 1.0);
    for (int i : bad) {
      w[i] = 1e-6;
    }
    ScalingFitter fitter = new ScalingFitter(options());
    List<ScalingPoint> without = new ArrayList<>(clean);
    for (int k = bad.length - 1; k >= 0; k--) {
      without.remove(bad[k]);
    }
    ChinchillaParams reference =
        (ChinchillaParams) fitter.fit(LawForm.CHINCHILLA, without).params();
    ChinchillaParams weighted = (ChinchillaParams) fitter.fit(LawForm.CHINCHILLA, rows, w).params();
    ChinchillaParams unweighted = (ChinchillaParams) fitter.fit(LawForm.CHINCHILLA, rows).params();
    assertEquals(reference.alpha(), weighted.alpha(), 0.01);
    assertEquals(reference.beta(), weighted.beta(), 0.01);
    assertEquals(reference.e(), weighted.e(), 0.01);
    double pulled =
        Math.max(
            Math.abs(unweighted.alpha() - reference.alpha()),
            Math.max(
                Math.abs(unweighted.beta() - reference.beta()),
                Math.abs(unweighted.e() - reference.e())));
    assertTrue(pulled > 0.02, "the corrupted rows move the unweighted fit, by " + pulled);
  }

  @Test
  void analyse_weightsOfOneAreTheUnweightedFit() {
    List<ScalingPoint> rows = Synthetic.crossed(Synthetic.CHINCHILLA, 5, 5, 0.01, 6);
    double[] ones = new double[rows.size()];
    Arrays.fill(ones, 1.0);
    FitOptions o = FitOptions.defaults().withHuberDelta(DELTA).withBootstrap(20, 9);
    ScalingAnalysis a = new ScalingFitter(o).analyse(rows, List.of(LawForm.CHINCHILLA));
    ScalingAnalysis b = new ScalingFitter(o).analyse(rows, ones, List.of(LawForm.CHINCHILLA));
    assertEquals(a.fits().get(0).fit().objective(), b.fits().get(0).fit().objective(), 0.0);
    assertEquals(
        a.fits().get(0).bootstrap().get("alpha"), b.fits().get(0).bootstrap().get("alpha"));
  }

  @Test
  void fit_refusesWeightsOutsideZeroToOne() {
    List<ScalingPoint> rows = Synthetic.crossed(Synthetic.CHINCHILLA, 3, 3, 0.01, 6);
    double[] w = new double[rows.size()];
    Arrays.fill(w, 1.0);
    w[4] = 0;
    ScalingFitter f = new ScalingFitter(options());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> f.fit(LawForm.CHINCHILLA, rows, w));
    assertEquals("weight of row 4 must be in (0, 1], found 0.0", e.getMessage());
  }
}
