package dev.scaling.driver.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.fit.ChinchillaParams;
import dev.scaling.common.fit.FitOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulation against laws it is given: noise-free sweeps give back the law, widths grow in
 * proportion to the noise, and a design that spans more of D pins beta tighter. No Spark.
 */
class PowerSimulationTest {
  /** A law at the scale of small models (losses 2 to 4 nats), with alpha and beta apart. */
  static final ChinchillaParams LAW = new ChinchillaParams(1.8, 8.0, 30.0, 0.30, 0.40);

  static final FitOptions FIT = FitOptions.defaults().withBootstrap(0, 1);

  /** Every N of {@code ns} with every D of {@code ds}. */
  static List<DesignRow> grid(double[] ns, double[] ds) {
    List<DesignRow> rows = new ArrayList<>();
    for (double n : ns) {
      for (double d : ds) {
        rows.add(new DesignRow(n, d, 1));
      }
    }
    return rows;
  }

  static final double[] N = {1e4, 4e4, 1.6e5, 6.4e5};

  static PowerResult simulate(List<DesignRow> rows, double sd, int k) {
    return PowerSimulation.run(setup(rows, sd, k).build());
  }

  static PowerSetup.Builder setup(List<DesignRow> rows, double sd, int k) {
    return PowerSetup.builder(rows, LAW, new Noise(sd, Noise.Source.GIVEN, "test"))
        .lawSource("test")
        .simulations(k)
        .seed(7L)
        .target(1e15, "test")
        .options(FIT)
        .pin(0.05);
  }

  @Test
  void power_zeroNoiseRecoversTheAssumedLaw() {
    PowerResult r = simulate(grid(N, new double[] {6.5e4, 2.6e5, 1e6, 4e6}), 0, 3);
    // a and N_opt from the law by hand: a = beta/(alpha+beta), N_opt = G (C/6)^a with G =
    // (alpha A / (beta B))^(1/(alpha+beta)).
    double a = 0.40 / 0.70;
    double nOpt = Math.pow(0.30 * 8.0 / (0.40 * 30.0), 1 / 0.70) * Math.pow(1e15 / 6, a);
    double[][] expected = {{0.30, 1e-4}, {0.40, 1e-4}, {1.8, 1e-3}, {a, 1e-4}, {nOpt, 1e-3}};
    assertEquals(0, r.failed());
    assertEquals(0, r.atBound());
    for (Quantity q : Quantity.values()) {
      QuantityPower p = r.of(q);
      double want = expected[q.ordinal()][0];
      assertEquals(want, p.truth(), 1e-12 * Math.abs(want), q + " truth");
      assertEquals(want, p.mean(), expected[q.ordinal()][1] * Math.abs(want), q + " mean estimate");
      assertTrue(
          p.width() <= expected[q.ordinal()][1] * Math.abs(want),
          () -> q + " width " + p.width() + " at zero noise");
      assertEquals(3, p.estimates());
      assertEquals(0, p.boundOrFailedShare());
    }
    assertTrue(r.verdicts().stream().allMatch(Verdict::pinned), r.describe());
  }

  @Test
  void power_widthGrowsInProportionToTheNoise() {
    List<DesignRow> rows = grid(N, new double[] {6.5e4, 2.6e5, 1e6, 4e6});
    // Relative residuals well below the Huber delta (1e-3): least squares, linear in the noise.
    PowerResult small = simulate(rows, 1e-4, 30);
    PowerResult large = simulate(rows, 4e-4, 30);
    for (Quantity q : List.of(Quantity.ALPHA, Quantity.BETA, Quantity.E, Quantity.A)) {
      double ratio = large.of(q).width() / small.of(q).width();
      assertTrue(
          ratio > 3.2 && ratio < 4.8,
          () -> q + ": x4 noise should give about x4 width, found x" + ratio);
      assertTrue(small.of(q).width() > 0, q + " width at some noise");
    }
  }

  @Test
  void power_widerDRangePinsBetaTighter() {
    // Same N, same number of D values, same noise; one design spans 1.8 decades of D, the other
    // 0.6.
    PowerResult narrow = simulate(grid(N, new double[] {1e6, 1.58e6, 2.5e6, 3.98e6}), 0.01, 40);
    PowerResult wide = simulate(grid(N, new double[] {6.5e4, 2.6e5, 1e6, 4e6}), 0.01, 40);
    double narrowBeta = narrow.of(Quantity.BETA).width();
    double wideBeta = wide.of(Quantity.BETA).width();
    assertTrue(
        wideBeta < 0.7 * narrowBeta,
        () -> "beta width: wide D range " + wideBeta + ", narrow " + narrowBeta);
    assertTrue(
        wide.of(Quantity.A).width() < narrow.of(Quantity.A).width(),
        () -> "a width: wide " + wide.of(Quantity.A).width() + ", narrow " + narrow.of(Quantity.A));
  }

  @Test
  void power_warmStartsFindTheWholeGridsOptimum() {
    List<DesignRow> rows = grid(N, new double[] {6.5e4, 2.6e5, 1e6, 4e6});
    PowerResult warm = simulate(rows, 0.05, 4);
    PowerResult full =
        PowerSimulation.run(setup(rows, 0.05, 4).starts(PowerSimulation.Starts.GRID).build());
    for (Quantity q : Quantity.values()) {
      assertEquals(
          full.of(q).mean(),
          warm.of(q).mean(),
          1e-4 * Math.abs(full.of(q).mean()),
          q + ": warm starts and the whole grid reach the same fits");
    }
  }

  @Test
  void power_learningRateSiblingsTakeTheLowestDraw() {
    List<DesignRow> one = List.of(new DesignRow(1e5, 1e6, 1));
    List<DesignRow> three = List.of(new DesignRow(1e5, 1e6, 3));
    double truth = LAW.predict(1e5, 1e6);
    double mean1 = 0;
    double mean3 = 0;
    int k = 400;
    for (int i = 0; i < k; i++) {
      mean1 += PowerSimulation.simulatedSweep(one, LAW, 0.1, 3, i).get(0).loss() - truth;
      mean3 += PowerSimulation.simulatedSweep(three, LAW, 0.1, 3, i).get(0).loss() - truth;
    }
    // E[min of 3 standard normals] = -0.846; of one, 0; standard error 0.1/sqrt(400) = 0.005.
    assertEquals(0, mean1 / k, 0.02);
    assertEquals(-0.0846, mean3 / k, 0.02);
    assertFalse(Double.isNaN(mean3));
  }
}
