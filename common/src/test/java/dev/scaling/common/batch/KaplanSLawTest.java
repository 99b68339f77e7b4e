package dev.scaling.common.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KaplanSLawTest {
  private static final double N_C = 1e10;
  private static final double ALPHA_N = 0.3;
  private static final double S_C = 2.1e3;
  private static final double ALPHA_S = 0.76;

  /** 5 model sizes x 4 S_min values on the law, loss times exp(noise). */
  private static List<KaplanSPoint> points(double sigma, long seed) {
    Random rng = new Random(seed);
    List<KaplanSPoint> out = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      double n = 1e6 * Math.pow(10, 0.75 * i);
      for (int j = 0; j < 4; j++) {
        double s = 500 * Math.pow(4, j);
        double loss = Math.pow(N_C / n, ALPHA_N) + Math.pow(S_C / s, ALPHA_S);
        out.add(new KaplanSPoint(n, s, loss * Math.exp(sigma * rng.nextGaussian())));
      }
    }
    return out;
  }

  @Test
  void fit_recoversTheLawExactly() {
    KaplanSFit fit = KaplanSLaw.fit(points(0, 1), new BatchFitOptions(0, 1, 0.95));
    assertEquals(ALPHA_N, fit.alphaN(), 1e-5);
    assertEquals(ALPHA_S, fit.alphaS(), 1e-5);
    assertEquals(N_C, fit.nC(), 1e-3 * N_C);
    assertEquals(S_C, fit.sC(), 1e-3 * S_C);
    assertEquals(20, fit.nPoints());
    double expected = Math.pow(N_C / 3e7, ALPHA_N) + Math.pow(S_C / 4000, ALPHA_S);
    assertEquals(expected, KaplanSLaw.predict(fit, 3e7, 4000), 1e-4 * expected);
  }

  /**
   * 10 noisy data sets (0.5% noise): exponents within 5%, intervals covering the truth in at least
   * 60% of them (a 1% chance of less at 85% coverage).
   */
  @Test
  void fit_recoversTheLawUnderNoiseWithCoveringIntervals() {
    int sets = 10;
    int[] covered = new int[4];
    for (long seed = 1; seed <= sets; seed++) {
      KaplanSFit fit = KaplanSLaw.fit(points(0.005, seed), new BatchFitOptions(100, seed, 0.95));
      assertEquals(ALPHA_N, fit.alphaN(), 0.05 * ALPHA_N);
      assertEquals(ALPHA_S, fit.alphaS(), 0.05 * ALPHA_S);
      assertTrue(fit.rmsLogResidual() > 0.001 && fit.rmsLogResidual() < 0.01);
      covered[0] += fit.nCCi().contains(N_C) ? 1 : 0;
      covered[1] += fit.alphaNCi().contains(ALPHA_N) ? 1 : 0;
      covered[2] += fit.sCCi().contains(S_C) ? 1 : 0;
      covered[3] += fit.alphaSCi().contains(ALPHA_S) ? 1 : 0;
    }
    System.out.printf(
        "L(N, S_min), 95%% intervals covering the truth in %d sets: N_c %d, alpha_N %d, S_c %d,"
            + " alpha_S %d%n",
        sets, covered[0], covered[1], covered[2], covered[3]);
    for (int c : covered) {
      assertTrue(c >= 0.6 * sets, "coverage " + c + " of " + sets);
    }
  }

  @Test
  void fit_needsFivePointsOverTwoSizes() {
    List<KaplanSPoint> four = points(0, 1).subList(0, 4);
    SpecException e =
        assertThrows(SpecException.class, () -> KaplanSLaw.fit(four, BatchFitOptions.defaults()));
    assertEquals(
        "kaplan_s: L(N, S_min) needs at least 5 (N, S_min, loss) points over 2 or more model"
            + " sizes and 2 or more S_min: found 4 points, 1 sizes, 4 S_min",
        e.getMessage());
  }
}
