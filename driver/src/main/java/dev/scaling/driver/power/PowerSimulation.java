package dev.scaling.driver.power;

import dev.scaling.common.fit.ChinchillaParams;
import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.fit.FitResult;
import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.LawForm;
import dev.scaling.common.fit.ScalingFitter;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.common.fit.StartGrid;
import dev.scaling.common.trial.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Simulates a design K times under an assumed Chinchilla law: each simulated sweep gives every
 * fitted row the law's loss plus Gaussian evaluation noise (the lowest of {@code copies} draws
 * where learning-rate siblings compete, as the fit keeps the lowest loss), and is fitted with the
 * same fitter, form, Huber delta and start grid as a real sweep (point estimates only, no
 * bootstrap).
 *
 * <p>Simulation k draws its noise from its own stream, {@code Seeds.mix(seed ^ Seeds.mix(k + 1))},
 * so the result depends on the seed alone, not on thread timing, and the same k sees the same
 * standard-normal draws at every noise level (widths scale with the noise draw for draw).
 */
public final class PowerSimulation {
  private PowerSimulation() {}

  /** Share of the K estimates below the interval's lower end (and above its upper end). */
  static final double TAIL = 0.025;

  /** Where each simulated fit starts its multi-start. */
  public enum Starts {
    /**
     * The assumed law itself, the distinct local optima of the noise-free design fitted from the
     * whole start grid, and the coarse grid: noise perturbs the noise-free table, so its optimum
     * lies in one of those basins (the argument the fitter's bootstrap makes for its warm starts),
     * and the coarse grid keeps the basins of distant optima (a floor at 0, an exponent run off)
     * reachable. About a tenth of the full grid's cost.
     */
    WARM,
    /** The fit options' whole start grid, exactly as a real sweep's fit. */
    GRID
  }

  /** One simulated fit: the parameters (null when the fit failed) and the parameters at a bound. */
  record Draw(ChinchillaParams params, List<String> atBound) {}

  /** Runs the setup's simulated sweeps of its design and summarises them. */
  public static PowerResult run(PowerSetup setup) {
    List<DesignRow> rows = setup.rows();
    ChinchillaParams truth = setup.truth();
    Starts starts = setup.starts();
    long seed = setup.seed();
    double targetFlops = setup.targetFlops();
    FitOptions options = setup.options();
    long t0 = System.nanoTime();
    FitOptions pointOnly = options.withBootstrap(0, options.seed());
    ScalingFitter fitter = new ScalingFitter(pointOnly);
    List<double[]> warm = starts == Starts.WARM ? warmStarts(rows, truth, fitter) : null;
    Draw[] draws =
        IntStream.range(0, setup.simulations())
            .parallel()
            .mapToObj(k -> simulateOne(rows, truth, setup.noise().sd(), seed, k, fitter, warm))
            .toArray(Draw[]::new);
    double seconds = (System.nanoTime() - t0) / 1e9;
    int failed = (int) Arrays.stream(draws).filter(d -> d.params() == null).count();
    int atBound =
        (int)
            Arrays.stream(draws).filter(d -> d.params() != null && !d.atBound().isEmpty()).count();
    List<QuantityPower> quantities = new ArrayList<>();
    for (Quantity q : Quantity.values()) {
      quantities.add(summarise(q, truth, draws, targetFlops));
    }
    return new PowerResult(
        truth,
        setup.lawSource(),
        setup.noise(),
        rows,
        setup.simulations(),
        seed,
        targetFlops,
        setup.targetSource(),
        pointOnly,
        starts,
        quantities,
        failed,
        atBound,
        setup.pin(),
        seconds,
        setup.notes());
  }

  /** The losses of simulation {@code k}: the law at each row plus its noise. */
  static List<ScalingPoint> simulatedSweep(
      List<DesignRow> rows, ChinchillaParams truth, double sd, long seed, int k) {
    SplittableRandom rng = new SplittableRandom(Seeds.mix(seed ^ Seeds.mix(k + 1L)));
    List<ScalingPoint> points = new ArrayList<>(rows.size());
    for (DesignRow r : rows) {
      double z = Double.POSITIVE_INFINITY;
      for (int c = 0; c < r.copies(); c++) {
        z = Math.min(z, rng.nextGaussian());
      }
      double loss = truth.predict(r.n(), r.d()) + sd * z;
      // A loss at or below 0 cannot be measured (nor fitted in log space): noise this large
      // against the loss is kept just above 0.
      points.add(new ScalingPoint(r.n(), r.d(), Math.max(loss, 1e-9)));
    }
    return points;
  }

  private static Draw simulateOne(
      List<DesignRow> rows,
      ChinchillaParams truth,
      double sd,
      long seed,
      int k,
      ScalingFitter fitter,
      List<double[]> warm) {
    List<ScalingPoint> points = simulatedSweep(rows, truth, sd, seed, k);
    try {
      FitResult fit =
          warm == null
              ? fitter.fit(LawForm.CHINCHILLA, points)
              : fitter.fitFrom(LawForm.CHINCHILLA, points, warm);
      return new Draw((ChinchillaParams) fit.params(), fit.atBound());
    } catch (ScalingFitter.Unfittable e) {
      return new Draw(null, List.of());
    }
  }

  /**
   * The warm starts: the law, the local optima of the noise-free design from the whole start grid,
   * and the coarse grid.
   */
  static List<double[]> warmStarts(
      List<DesignRow> rows, ChinchillaParams truth, ScalingFitter fitter) {
    List<double[]> starts = new ArrayList<>();
    starts.add(truth.toTheta());
    List<ScalingPoint> exact = simulatedSweep(rows, truth, 0, 0, 0);
    try {
      fitter.fit(LawForm.CHINCHILLA, exact).localOptima().forEach(o -> starts.add(o.toTheta()));
    } catch (ScalingFitter.Unfittable e) {
      // The noise-free fit failed: the law and the coarse grid remain.
    }
    starts.addAll(LawForm.CHINCHILLA.law().starts(StartGrid.COARSE));
    return starts;
  }

  private static QuantityPower summarise(
      Quantity q, ChinchillaParams truth, Draw[] draws, double targetFlops) {
    double[] v =
        Arrays.stream(draws)
            .filter(d -> d.params() != null)
            .mapToDouble(d -> q.of(d.params(), targetFlops))
            .filter(Double::isFinite)
            .sorted()
            .toArray();
    long boundOrFailed =
        Arrays.stream(draws).filter(d -> d.params() == null || q.touchedBy(d.atBound())).count();
    double t = q.of(truth, targetFlops);
    if (v.length == 0) {
      return new QuantityPower(q, t, Double.NaN, null, 0, 1.0);
    }
    return new QuantityPower(
        q,
        t,
        Arrays.stream(v).average().orElseThrow(),
        new Interval(quantile(v, TAIL), quantile(v, 1 - TAIL)),
        v.length,
        (double) boundOrFailed / draws.length);
  }

  /** Type-7 (linear interpolation) quantile of sorted values. */
  static double quantile(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }
}
