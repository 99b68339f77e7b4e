package dev.scaling.common.batch;

import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.Quantiles;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.SpecException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The critical batch across target losses, Kaplan et al. 2020 eq. 5.2: B_crit(L) = B_* /
 * L^(1/alpha_B). Log B_crit is linear in log L (slope -1/alpha_B), so the fit is the least-squares
 * line, in closed form; the bootstrap resamples the (target, B_crit) fits.
 */
public final class BcritLaw {
  private BcritLaw() {}

  /**
   * Fits the law to critical-batch fits at {@code >= 2} distinct target losses (of one model, or
   * pooled over models).
   *
   * @throws SpecException naming {@code target} with fewer than 2 distinct targets, or when B_crit
   *     does not change with the target (alpha_B would be infinite)
   */
  public static BcritLawFit fit(List<CriticalBatch> fits, BatchFitOptions options) {
    InvariantViolation.check(fits != null && options != null, "a B_crit law needs fits, options");
    int n = fits.size();
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.log(fits.get(i).target());
      y[i] = Math.log(fits.get(i).bCrit());
      SpecException.require(
          fits.get(i).target() > 0,
          "target",
          "positive for the B_crit(L) law",
          fits.get(i).target());
    }
    double[] ones = new double[n];
    Arrays.fill(ones, 1.0);
    long targets = Arrays.stream(x).distinct().count();
    if (targets < 2) {
      throw SpecException.of(
          "target",
          "the B_crit(L) law needs critical-batch fits at 2 or more distinct target losses: found "
              + targets);
    }
    double[] line = line(x, y, ones);
    if (line == null || !(line[1] != 0)) {
      throw SpecException.of(
          "target",
          "B_crit does not change across the target losses, so B_crit(L) = B_* / L^(1/alpha_B)"
              + " has no finite alpha_B");
    }
    double rss = 0;
    for (int i = 0; i < n; i++) {
      double r = line[0] + line[1] * x[i] - y[i];
      rss += r * r;
    }
    Interval bCi = null;
    Interval aCi = null;
    int failed = 0;
    if (options.bootstrap() > 0) {
      SplittableRandom rng = new SplittableRandom(options.seed());
      double[] bDraws = new double[options.bootstrap()];
      double[] aDraws = new double[options.bootstrap()];
      double[] w = new double[n];
      for (int r = 0; r < options.bootstrap(); r++) {
        Arrays.fill(w, 0);
        for (int k = 0; k < n; k++) {
          w[rng.nextInt(n)] += 1;
        }
        double[] l = line(x, y, w);
        if (l == null || !(l[1] != 0)) {
          failed++;
          bDraws[r] = aDraws[r] = Double.NaN;
          continue;
        }
        bDraws[r] = Math.exp(l[0]);
        aDraws[r] = -1 / l[1];
      }
      bCi = Quantiles.percentile(bDraws, options.confidence());
      aCi = Quantiles.percentile(aDraws, options.confidence());
    }
    return new BcritLawFit(
        Math.exp(line[0]), -1 / line[1], bCi, aCi, n, Math.sqrt(rss / n), failed);
  }

  /** B_crit at {@code loss}: B_* / loss^(1/alpha_B). */
  public static double predict(BcritLawFit law, double loss) {
    return law.bStar() / Math.pow(loss, 1 / law.alphaB());
  }

  /**
   * The weighted least-squares line y = c[0] + c[1] x; null when the points of positive weight have
   * fewer than 2 distinct x.
   */
  static double[] line(double[] x, double[] y, double[] w) {
    double sw = 0;
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      sw += w[i];
      mx += w[i] * x[i];
      my += w[i] * y[i];
    }
    mx /= sw;
    my /= sw;
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < x.length; i++) {
      sxx += w[i] * (x[i] - mx) * (x[i] - mx);
      sxy += w[i] * (x[i] - mx) * (y[i] - my);
    }
    if (!(sxx > 1e-18 * sw)) {
      return null;
    }
    double slope = sxy / sxx;
    return new double[] {my - slope * mx, slope};
  }
}
