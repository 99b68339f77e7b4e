package dev.scaling.common.hparams;

import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.Quantiles;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Fits the hyperparameter laws the StepLaw way: per (N, D) cell keep the runs within the tolerance
 * of the cell's best (smoothed) loss, then least squares over every kept run of log lr = c + a log
 * N + b log D and log B = c' + e log D (or c' + f log N + e log D). The intervals resample whole
 * cells with their runs. Each cell is reduced once to the sums its kept runs add to the normal
 * equations, so a resample costs one pass over the cells and a closed-form solve, with no
 * allocation.
 */
public final class HparamsFitter {
  private HparamsFitter() {}

  // The per-cell sums of the normal equations, x = log N - x0, z = log D - z0 (centred on the kept
  // runs' means, so the sums stay well conditioned), yl = log lr, yb = log B.
  private static final int M = 0;
  private static final int X = 1;
  private static final int Z = 2;
  private static final int XX = 3;
  private static final int XZ = 4;
  private static final int ZZ = 5;
  private static final int YL = 6;
  private static final int XYL = 7;
  private static final int ZYL = 8;
  private static final int YB = 9;
  private static final int XYB = 10;
  private static final int ZYB = 11;
  private static final int SUMS = 12;

  /** Below this squared correlation gap, log N and log D count as collinear. */
  private static final double COLLINEAR = 1e-9;

  /** Why these laws need more cells, in one clause. */
  private static final String NEED =
      "the learning-rate law log lr* = c + a log N + b log D has 3 unknowns and needs >= 3 (N, D)"
          + " cells with at least 2 distinct N and 2 distinct D, not all on one line in (log N,"
          + " log D)";

  /**
   * The runs of one cell kept as optimal: those whose {@link HparamsRun#rankLoss()} is at most the
   * cell's best x (1 + tolerance), in input order.
   */
  public static List<HparamsRun> keep(List<HparamsRun> cell, double tolerance) {
    double best = cell.stream().mapToDouble(HparamsRun::rankLoss).min().orElseThrow();
    double limit = best * (1 + tolerance);
    return cell.stream().filter(r -> r.rankLoss() <= limit).toList();
  }

  /** The runs grouped into (N, D) cells (ordered by N, then D), each with its kept runs. */
  public static List<HparamsCell> cells(List<HparamsRun> runs, double tolerance) {
    Map<double[], List<HparamsRun>> byCell =
        new TreeMap<>(
            Comparator.<double[]>comparingDouble(k -> k[0]).thenComparingDouble(k -> k[1]));
    for (HparamsRun r : runs) {
      byCell.computeIfAbsent(new double[] {r.n(), r.d()}, k -> new ArrayList<>()).add(r);
    }
    List<HparamsCell> cells = new ArrayList<>(byCell.size());
    for (Map.Entry<double[], List<HparamsRun>> e : byCell.entrySet()) {
      List<HparamsRun> all = e.getValue();
      HparamsRun best = all.get(0);
      for (HparamsRun r : all) {
        if (r.rankLoss() < best.rankLoss()) {
          best = r;
        }
      }
      cells.add(new HparamsCell(e.getKey()[0], e.getKey()[1], all, keep(all, tolerance), best));
    }
    return cells;
  }

  /**
   * Why {@code runs} cannot identify the laws (one cell, fewer than 3, one N, one D, or cells on
   * one line in (log N, log D)), or null when they can.
   */
  public static String tooFewCells(List<HparamsRun> runs) {
    if (runs.isEmpty()) {
      return "no runs: " + NEED;
    }
    List<HparamsCell> cells = cells(runs, 0);
    int k = cells.size();
    if (k == 1) {
      return String.format(
          Locale.ROOT,
          "one (N, D) cell (N = %.4g, D = %.4g, %d runs): %s",
          cells.get(0).n(),
          cells.get(0).d(),
          runs.size(),
          NEED);
    }
    if (k < 3) {
      return k + " (N, D) cells: " + NEED;
    }
    long distinctN = cells.stream().mapToDouble(HparamsCell::n).distinct().count();
    long distinctD = cells.stream().mapToDouble(HparamsCell::d).distinct().count();
    if (distinctN < 2 || distinctD < 2) {
      return String.format(
          Locale.ROOT,
          "%d (N, D) cells with %d distinct N and %d distinct D: %s",
          k,
          distinctN,
          distinctD,
          NEED);
    }
    double mx = cells.stream().mapToDouble(c -> Math.log(c.n())).average().orElseThrow();
    double mz = cells.stream().mapToDouble(c -> Math.log(c.d())).average().orElseThrow();
    double cxx = 0;
    double czz = 0;
    double cxz = 0;
    for (HparamsCell c : cells) {
      double x = Math.log(c.n()) - mx;
      double z = Math.log(c.d()) - mz;
      cxx += x * x;
      czz += z * z;
      cxz += x * z;
    }
    if (cxx * czz - cxz * cxz <= COLLINEAR * cxx * czz) {
      return String.format(
          Locale.ROOT,
          "the %d (N, D) cells lie on one line in (log N, log D) (D = %.4g N^%.3f, e.g. a fixed"
              + " tokens-per-parameter ratio), so the N and D exponents cannot be told apart: %s",
          k,
          Math.exp(mz - cxz / cxx * mx),
          cxz / cxx,
          NEED);
    }
    return null;
  }

  /**
   * Fits both laws to {@code runs} with intervals from {@code options.bootstrap()} resamples of
   * whole cells.
   *
   * @throws SpecException when the runs cannot identify the laws ({@link #tooFewCells})
   */
  public static HparamsFit fit(List<HparamsRun> runs, HparamsOptions options) {
    String why = tooFewCells(runs);
    if (why != null) {
      throw SpecException.of("hparams table", why);
    }
    List<HparamsCell> cells = cells(runs, options.tolerance());
    boolean withN = options.batchOn().hasN();
    double x0 = 0;
    double z0 = 0;
    int kept = 0;
    for (HparamsCell c : cells) {
      x0 += c.kept().size() * Math.log(c.n());
      z0 += c.kept().size() * Math.log(c.d());
      kept += c.kept().size();
    }
    x0 /= kept;
    z0 /= kept;
    int k = cells.size();
    double[] stats = new double[k * SUMS];
    for (int i = 0; i < k; i++) {
      HparamsCell c = cells.get(i);
      double x = Math.log(c.n()) - x0;
      double z = Math.log(c.d()) - z0;
      int o = i * SUMS;
      for (HparamsRun r : c.kept()) {
        double yl = Math.log(r.lr());
        double yb = Math.log(r.batchTokens());
        stats[o + M] += 1;
        stats[o + X] += x;
        stats[o + Z] += z;
        stats[o + XX] += x * x;
        stats[o + XZ] += x * z;
        stats[o + ZZ] += z * z;
        stats[o + YL] += yl;
        stats[o + XYL] += x * yl;
        stats[o + ZYL] += z * yl;
        stats[o + YB] += yb;
        stats[o + XYB] += x * yb;
        stats[o + ZYB] += z * yb;
      }
    }
    int[] once = new int[k];
    Arrays.fill(once, 1);
    double[] sums = new double[SUMS];
    double[] sol = new double[6];
    InvariantViolation.check(
        solve(stats, once, sums, withN, sol),
        "the kept runs of identifiable cells gave singular normal equations");
    double[] point = natural(sol, x0, z0, new double[6]);
    if (!Double.isFinite(point[0]) || !Double.isFinite(point[3])) {
      throw SpecException.of(
          "hparams table",
          String.format(
              Locale.ROOT,
              "the fitted coefficients overflow (lr exponents a = %.4g, b = %.4g; batch exponent"
                  + " e = %.4g): no power law of N and D describes these optima; check the"
                  + " columns",
              point[1],
              point[2],
              point[5]));
    }

    int resamples = options.bootstrap();
    double[][] draws = new double[6][resamples];
    int degenerate = 0;
    SplittableRandom rng = new SplittableRandom(Seeds.mix(options.seed() ^ 0x68706172616D73L));
    int[] counts = new int[k];
    double[] values = new double[6];
    for (int b = 0; b < resamples; b++) {
      Arrays.fill(counts, 0);
      for (int i = 0; i < k; i++) {
        counts[rng.nextInt(k)]++;
      }
      if (solve(stats, counts, sums, withN, sol)) {
        natural(sol, x0, z0, values);
      } else {
        degenerate++;
        Arrays.fill(values, Double.NaN);
      }
      for (int p = 0; p < 6; p++) {
        draws[p][b] = values[p];
      }
    }
    Interval[] ci = new Interval[6];
    for (int p = 0; p < 6 && resamples > 0; p++) {
      ci[p] = Quantiles.percentile(draws[p], options.confidence());
    }
    double rssLr = 0;
    double rssBs = 0;
    for (HparamsCell c : cells) {
      for (HparamsRun r : c.kept()) {
        double el =
            Math.log(r.lr()) - Math.log(point[0]) - point[1] * r.logN() - point[2] * r.logD();
        double eb =
            Math.log(r.batchTokens())
                - Math.log(point[3])
                - point[4] * r.logN()
                - point[5] * r.logD();
        rssLr += el * el;
        rssBs += eb * eb;
      }
    }
    HparamsLaw lr =
        new HparamsLaw(
            new HparamsEstimate("lr_c", point[0], ci[0]),
            new HparamsEstimate("lr_a_N", point[1], ci[1]),
            new HparamsEstimate("lr_b_D", point[2], ci[2]),
            rssLr,
            kept);
    HparamsLaw batch =
        new HparamsLaw(
            new HparamsEstimate("bs_c", point[3], ci[3]),
            withN ? new HparamsEstimate("bs_a_N", point[4], ci[4]) : null,
            new HparamsEstimate("bs_e_D", point[5], ci[5]),
            rssBs,
            kept);
    return new HparamsFit(options, cells, lr, batch, degenerate);
  }

  /**
   * Solves the normal equations of the cells drawn {@code counts} times (their sums into {@code
   * sums}); {@code sol} gets, in centred coordinates, the learning-rate law's intercept, N and D
   * slopes, then the batch law's (N slope 0 without {@code withN}). False when the drawn cells do
   * not identify the learning-rate law.
   */
  private static boolean solve(
      double[] stats, int[] counts, double[] sums, boolean withN, double[] sol) {
    Arrays.fill(sums, 0);
    for (int i = 0; i < counts.length; i++) {
      int w = counts[i];
      if (w == 0) {
        continue;
      }
      int o = i * SUMS;
      for (int j = 0; j < SUMS; j++) {
        sums[j] += w * stats[o + j];
      }
    }
    double m = sums[M];
    double mx = sums[X] / m;
    double mz = sums[Z] / m;
    double myl = sums[YL] / m;
    double myb = sums[YB] / m;
    double cxx = sums[XX] - m * mx * mx;
    double czz = sums[ZZ] - m * mz * mz;
    double cxz = sums[XZ] - m * mx * mz;
    double det = cxx * czz - cxz * cxz;
    if (!(cxx > 1e-12 * (sums[XX] + m)
        && czz > 1e-12 * (sums[ZZ] + m)
        && det > COLLINEAR * cxx * czz)) {
      return false;
    }
    double cxl = sums[XYL] - m * mx * myl;
    double czl = sums[ZYL] - m * mz * myl;
    double a = (czz * cxl - cxz * czl) / det;
    double b = (cxx * czl - cxz * cxl) / det;
    sol[0] = myl - a * mx - b * mz;
    sol[1] = a;
    sol[2] = b;
    double cxb = sums[XYB] - m * mx * myb;
    double czb = sums[ZYB] - m * mz * myb;
    if (withN) {
      double f = (czz * cxb - cxz * czb) / det;
      double e = (cxx * czb - cxz * cxb) / det;
      sol[3] = myb - f * mx - e * mz;
      sol[4] = f;
      sol[5] = e;
    } else {
      double e = czb / czz;
      sol[3] = myb - e * mz;
      sol[4] = 0;
      sol[5] = e;
    }
    return true;
  }

  /**
   * The laws in the fits table's terms from a centred solution: lr_c, lr_a_N, lr_b_D, bs_c, bs_a_N,
   * bs_e_D (the coefficients exp of the intercept at log N = log D = 0).
   */
  private static double[] natural(double[] sol, double x0, double z0, double[] out) {
    out[0] = Math.exp(sol[0] - sol[1] * x0 - sol[2] * z0);
    out[1] = sol[1];
    out[2] = sol[2];
    out[3] = Math.exp(sol[3] - sol[4] * x0 - sol[5] * z0);
    out[4] = sol[4];
    out[5] = sol[5];
    return out;
  }
}
