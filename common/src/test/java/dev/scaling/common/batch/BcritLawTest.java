package dev.scaling.common.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BcritLawTest {
  private static final double B_STAR = 2e8;
  private static final double ALPHA_B = 0.21;

  /** Critical batches at 8 targets from 2.4 to 4.5 on the law, times exp(noise). */
  private static List<CriticalBatch> fits(double sigma, long seed) {
    Random rng = new Random(seed);
    List<CriticalBatch> out = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      double loss = 2.4 + 0.3 * k;
      double bCrit = B_STAR / Math.pow(loss, 1 / ALPHA_B) * Math.exp(sigma * rng.nextGaussian());
      out.add(new CriticalBatch("m", loss, 1000, 1000 * bCrit, bCrit, null, null, null, 9, 0.0));
    }
    return out;
  }

  @Test
  void fit_recoversTheLawExactly() {
    BcritLawFit law = BcritLaw.fit(fits(0, 1), new BatchFitOptions(0, 1, 0.95));
    assertEquals(B_STAR, law.bStar(), 1e-8 * B_STAR);
    assertEquals(ALPHA_B, law.alphaB(), 1e-10);
    assertEquals(8, law.nPoints());
    assertEquals(B_STAR / Math.pow(3.0, 1 / ALPHA_B), BcritLaw.predict(law, 3.0), 1e-3);
  }

  /**
   * 20 noisy data sets (5% noise): alpha_B within 10%, intervals covering the truth in at least 60%
   * of them (a 1% chance of less at 85% coverage).
   */
  @Test
  void fit_recoversTheLawUnderNoiseWithCoveringIntervals() {
    int sets = 20;
    int[] covered = new int[2];
    for (long seed = 1; seed <= sets; seed++) {
      BcritLawFit law = BcritLaw.fit(fits(0.05, seed), new BatchFitOptions(300, seed, 0.95));
      assertEquals(ALPHA_B, law.alphaB(), 0.1 * ALPHA_B);
      assertTrue(law.alphaBCi().contains(law.alphaB()));
      covered[0] += law.bStarCi().contains(B_STAR) ? 1 : 0;
      covered[1] += law.alphaBCi().contains(ALPHA_B) ? 1 : 0;
    }
    System.out.printf(
        "B_crit(L), 95%% intervals covering the truth in %d sets: B_* %d, alpha_B %d%n",
        sets, covered[0], covered[1]);
    for (int c : covered) {
      assertTrue(c >= 0.6 * sets, "coverage " + c + " of " + sets);
    }
  }

  @Test
  void fit_matchesTheLeastSquaresLineOfLogBcritOnLogL() {
    List<CriticalBatch> data = fits(0.1, 5);
    BcritLawFit law = BcritLaw.fit(data, new BatchFitOptions(0, 1, 0.95));
    // The least-squares line of log B_crit on log L, from its normal equations.
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    int n = data.size();
    for (CriticalBatch c : data) {
      double x = Math.log(c.target());
      double y = Math.log(c.bCrit());
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    double intercept = (sy - slope * sx) / n;
    assertEquals(-1 / slope, law.alphaB(), 1e-9);
    assertEquals(Math.exp(intercept), law.bStar(), 1e-9 * law.bStar());
  }

  @Test
  void fit_needsTwoTargets() {
    List<CriticalBatch> one = fits(0, 1).subList(0, 1);
    SpecException e =
        assertThrows(SpecException.class, () -> BcritLaw.fit(one, BatchFitOptions.defaults()));
    assertEquals(
        "target: the B_crit(L) law needs critical-batch fits at 2 or more distinct target losses:"
            + " found 1",
        e.getMessage());
  }
}
