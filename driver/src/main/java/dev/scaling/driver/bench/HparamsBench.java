package dev.scaling.driver.bench;

import static dev.scaling.common.fit.Quantiles.median;
import static dev.scaling.driver.bench.BenchTable.fmt;

import dev.scaling.common.hparams.HparamsFit;
import dev.scaling.common.hparams.HparamsFitter;
import dev.scaling.common.hparams.HparamsOptions;
import dev.scaling.common.hparams.HparamsRun;
import dev.scaling.driver.bench.BenchReport.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The hyperparameter-law row of the bench's fit section: the StepLaw fit ({@link HparamsFitter}) of
 * a deterministic 100-run table (10 (N, D) cells of 5 learning rates x 2 batch sizes) with 1000
 * bootstrap resamples, timed with {@link System#nanoTime} (target: under 2 s).
 */
final class HparamsBench {
  static final double TARGET_SECONDS = 2.0;

  private HparamsBench() {}

  /**
   * 5 N x 2 D cells; each a 5 x 2 grid around StepLaw's optimum (lr* = 1.79 N^-0.713 D^0.307, B* =
   * 0.58 D^0.571) scattered by exp(0.15 z), loss quadratic in log lr and log B with 0.04% noise.
   */
  static List<HparamsRun> table() {
    SplittableRandom rng = new SplittableRandom(20240917L);
    List<HparamsRun> runs = new ArrayList<>(100);
    for (int i = 0; i < 5; i++) {
      double n = 2e7 * Math.pow(4, i);
      for (double tokensPerParam : new double[] {20, 80}) {
        double d = tokensPerParam * n * Math.pow(2, i % 2);
        double lrOpt =
            1.79 * Math.pow(n, -0.713) * Math.pow(d, 0.307) * Math.exp(0.15 * rng.nextGaussian());
        double bsOpt = 0.58 * Math.pow(d, 0.571) * Math.exp(0.15 * rng.nextGaussian());
        for (int k = -2; k <= 2; k++) {
          for (int j = 0; j <= 1; j++) {
            double lr = lrOpt * Math.pow(2, k / 2.0);
            double bs = bsOpt * Math.pow(2, j - 0.5);
            double dl = Math.log(lr / lrOpt);
            double db = Math.log(bs / bsOpt);
            double loss =
                3 * (1 + 0.01 * (dl * dl + db * db)) * Math.exp(0.0004 * rng.nextGaussian());
            runs.add(new HparamsRun("r" + runs.size(), n, d, lr, bs, loss, null));
          }
        }
      }
    }
    return runs;
  }

  /** The bench row: the median of 5 timed fits after one warm-up. */
  static Row row() {
    List<HparamsRun> runs = table();
    HparamsOptions options = HparamsOptions.defaults();
    HparamsFit fit = HparamsFitter.fit(runs, options); // warm the JIT
    double[] secs = new double[5];
    for (int i = 0; i < secs.length; i++) {
      long t0 = System.nanoTime();
      fit = HparamsFitter.fit(runs, options);
      secs[i] = (System.nanoTime() - t0) / 1e9;
    }
    double s = median(secs);
    return new Row(
        "fit",
        String.format(
            Locale.ROOT,
            "hparams fit: %d runs, %d cells, %d resamples seconds",
            fit.runs(),
            fit.cells().size(),
            options.bootstrap()),
        fmt(s),
        "n/a",
        "",
        "< 2 s",
        s < TARGET_SECONDS ? "MEETS" : "MISSES",
        String.format(
            Locale.ROOT,
            "median of 5 after a warm-up, 1 thread; %d runs kept; lr_a_N %.3f, lr_b_D %.3f, bs_e_D"
                + " %.3f (truth -0.713, 0.307, 0.571)",
            fit.runsKept(),
            fit.lr().nExponent().estimate(),
            fit.lr().dExponent().estimate(),
            fit.batch().dExponent().estimate()));
  }
}
