package dev.scaling.worker.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.InvariantViolation;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NoiseScaleTest {
  private static final int DIM = 1000;
  private static final int SMALL = 8;
  private static final int BIG = 16;

  /**
   * Per-example gradients G + diag(sigma) z (z standard normal) in {@link #DIM} dimensions: the
   * true gradient G and per-example standard deviations sigma, so tr(Sigma) = sum sigma^2.
   */
  private record Source(double[] mean, double[] sigma) {
    static Source of(long seed, double noise) {
      SplittableRandom rnd = new SplittableRandom(seed);
      double[] mean = new double[DIM];
      double[] sigma = new double[DIM];
      for (int j = 0; j < DIM; j++) {
        mean[j] = rnd.nextGaussian() * 0.1;
        sigma[j] = noise * (0.2 + rnd.nextDouble()); // anisotropic: a spread of variances
      }
      return new Source(mean, sigma);
    }

    double trueTrace() {
      double s = 0;
      for (double v : sigma) {
        s += v * v;
      }
      return s;
    }

    double trueGradNormSquared() {
      double s = 0;
      for (double v : mean) {
        s += v * v;
      }
      return s;
    }

    /**
     * One step: {@link #BIG} per-example draws; returns {|mean of the first SMALL|^2, |mean of
     * all|^2}, the small batch inside the big one as the trainer's first microbatch is.
     */
    double[] draw(SplittableRandom rnd) {
      double[] small = new double[DIM];
      double[] big = new double[DIM];
      for (int e = 0; e < BIG; e++) {
        for (int j = 0; j < DIM; j++) {
          double x = mean[j] + sigma[j] * rnd.nextGaussian();
          if (e < SMALL) {
            small[j] += x / SMALL;
          }
          big[j] += x / BIG;
        }
      }
      double s = 0;
      double b = 0;
      for (int j = 0; j < DIM; j++) {
        s += small[j] * small[j];
        b += big[j] * big[j];
      }
      return new double[] {s, b};
    }
  }

  @Test
  void value_convergesToTheTrueNoiseScale() {
    // True noise scales from about 0.15x to 1.3x the big batch: the estimate follows each.
    for (double noise : new double[] {0.2, 0.4, 0.6}) {
      Source source = Source.of(3, noise);
      double truth = source.trueTrace() / source.trueGradNormSquared();
      NoiseScale estimator = new NoiseScale(SMALL, BIG);
      SplittableRandom rnd = new SplittableRandom(Double.doubleToLongBits(noise));
      double sumG2 = 0;
      double sumTrace = 0;
      int steps = 1000; // 0.99^1000 < 1e-4: the averages forgot their start
      for (int t = 0; t < steps; t++) {
        double[] norms = source.draw(rnd);
        estimator.update(norms[0], norms[1]);
        sumG2 += NoiseScale.gradNormSquared(SMALL, BIG, norms[0], norms[1]);
        sumTrace += NoiseScale.trace(SMALL, BIG, norms[0], norms[1]);
      }
      double estimate = estimator.value();
      System.out.printf(
          "noise scale: true %.3f, estimated %.3f (%+.1f%%); mean |G|^2 %.5f vs %.5f,"
              + " mean tr %.5f vs %.5f%n",
          truth,
          estimate,
          100 * (estimate / truth - 1),
          sumG2 / steps,
          source.trueGradNormSquared(),
          sumTrace / steps,
          source.trueTrace());
      assertEquals(truth, estimate, 0.05 * truth, "smoothed noise scale at noise " + noise);
      // Both per-step estimates are unbiased: their plain means over all steps are close.
      assertEquals(
          source.trueGradNormSquared(),
          sumG2 / steps,
          0.03 * source.trueGradNormSquared(),
          "mean |G|^2 estimate");
      assertEquals(source.trueTrace(), sumTrace / steps, 0.02 * source.trueTrace(), "mean tr");
    }
  }

  @Test
  void estimates_matchTheExpectedNormsExactly() {
    // With E|G_B|^2 = |G|^2 + tr/B plugged in, the estimators return |G|^2 and tr exactly.
    double g2 = 0.7;
    double tr = 40.0;
    double small = 64;
    double big = 256;
    double smallNorm = g2 + tr / small;
    double bigNorm = g2 + tr / big;
    assertEquals(g2, NoiseScale.gradNormSquared(small, big, smallNorm, bigNorm), 1e-12);
    assertEquals(tr, NoiseScale.trace(small, big, smallNorm, bigNorm), 1e-9);
    NoiseScale s = new NoiseScale(64, 256);
    s.update(smallNorm, bigNorm);
    assertEquals(tr / g2, s.value(), 1e-9);
  }

  @Test
  void value_isNullBeforeAnyUpdateAndWhileTheGradientAverageIsNotPositive() {
    NoiseScale s = NoiseScale.ofMicrobatches(16, 2, 64);
    assertNull(s.value());
    // Big-batch norm above the small-batch one's share: |G|^2 estimate negative.
    s.update(1.0, 0.1);
    assertTrue(NoiseScale.gradNormSquared(512, 1024, 1.0, 0.1) < 0);
    assertNull(s.value());
    s.update(Double.NaN, 1.0);
    assertEquals(1, s.state().updates(), "a non-finite pair is left out");
  }

  @Test
  void restore_continuesBitForBit() {
    Source source = Source.of(5, 0.1);
    SplittableRandom a = new SplittableRandom(1);
    NoiseScale whole = new NoiseScale(SMALL, BIG);
    NoiseScale first = new NoiseScale(SMALL, BIG);
    for (int t = 0; t < 50; t++) {
      double[] n = source.draw(a);
      whole.update(n[0], n[1]);
      first.update(n[0], n[1]);
    }
    NoiseScale resumed = new NoiseScale(SMALL, BIG);
    resumed.restore(first.state());
    for (int t = 0; t < 50; t++) {
      double[] n = source.draw(a);
      whole.update(n[0], n[1]);
      resumed.update(n[0], n[1]);
    }
    assertEquals(whole.state(), resumed.state());
    assertEquals(
        Double.doubleToRawLongBits(whole.value()), Double.doubleToRawLongBits(resumed.value()));
  }

  @Test
  void constructor_refusesBatchesThatCannotTellTwoSizesApart() {
    assertThrows(InvariantViolation.class, () -> new NoiseScale(16, 16));
    assertThrows(InvariantViolation.class, () -> NoiseScale.ofMicrobatches(16, 1, 64));
    assertThrows(InvariantViolation.class, () -> NoiseScale.ofMicrobatches(16, 3, 64));
    NoiseScale s = NoiseScale.ofMicrobatches(16, 4, 64);
    s.update(0.5 + 10.0 / 256, 0.5 + 10.0 / 1024);
    assertEquals(10.0 / 0.5, s.value(), 1e-9, "small batch 256 tokens, big 1024");
  }
}
