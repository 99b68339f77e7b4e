package dev.scaling.common.batch;

import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.Quantiles;
import dev.scaling.common.fit.Regression;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * The compute-efficient frontier in C_min (Kaplan et al. 2020, Section 5): at each logged point of
 * each trial the compute C = 6 N B S (B in tokens) and C_min = C / (1 + B / B_crit(L)), the compute
 * the same loss would have taken at a batch far below the critical one. At log-spaced C_min levels
 * the model (N) with the lowest loss wins: each model's loss at a level is the best over its batch
 * sizes, each trial's curve interpolated linearly in log C_min; a level counts where at least two
 * models reach it. N_opt(C_min) = k C_min^a is then fitted by least squares in log-log over the
 * levels from the last one before the winner first changes to the first one after it last changes
 * (beyond them the smallest or largest model wins at every level, which only bounds N_opt and would
 * flatten the slope), with a bootstrap over those levels for the interval of a.
 */
public final class ComputeFrontier {
  /** Log-spaced C_min levels between the lowest and highest C_min any model reaches. */
  public static final int LEVELS = 24;

  /** Fewest counted levels worth a fit. */
  public static final int MIN_LEVELS = 3;

  private ComputeFrontier() {}

  /**
   * The frontier at one C_min level.
   *
   * @param cMin the level (FLOPs)
   * @param group the winning model
   * @param n its N
   * @param loss its best loss at the level
   * @param models how many models reach the level
   * @param fitted whether the level is in the fit (false in the flat tails beyond the first and
   *     last change of the winner)
   */
  public record Level(
      double cMin, String group, double n, double loss, int models, boolean fitted) {}

  /**
   * The fitted frontier, or why it could not be fitted.
   *
   * @param a the exponent of N_opt = k C_min^a, NaN when not fitted
   * @param k the prefactor, NaN when not fitted
   * @param aCi the bootstrap interval of a, null without bootstrap or fit
   * @param levels the counted levels, in increasing C_min, those in the fit marked
   * @param reason why it was not fitted, null when it was
   */
  public record Fit(double a, double k, Interval aCi, List<Level> levels, String reason) {
    public Fit {
      levels = List.copyOf(levels);
    }

    /** Whether a and k were fitted. */
    public boolean fitted() {
      return reason == null;
    }

    /** N_opt at {@code cMin}. */
    public double nOpt(double cMin) {
      return k * Math.pow(cMin, a);
    }
  }

  /**
   * One logged point of a trial's curve in C_min.
   *
   * @param cMin C_min at the point (FLOPs)
   * @param loss the held-out loss there
   */
  public record Point(double cMin, double loss) {}

  /**
   * The evaluated points of {@code curve} in C_min (step 0 left out), each later one at a higher
   * C_min: a point whose C_min does not rise (a noisy loss can step it back) is dropped.
   *
   * @param bCrit B_crit(L) in tokens
   */
  public static List<Point> points(TrialCurve curve, DoubleUnaryOperator bCrit) {
    List<Point> pts = new ArrayList<>();
    for (LoggedPoint p : curve.evaluated()) {
      double b = bCrit.applyAsDouble(p.loss());
      if (p.step() == 0 || !(b > 0) || !Double.isFinite(b)) {
        continue;
      }
      double cm =
          minCompute(compute(curve.n(), curve.batchTokens(), p.step()), curve.batchTokens(), b);
      if (!pts.isEmpty() && cm <= pts.get(pts.size() - 1).cMin()) {
        continue;
      }
      pts.add(new Point(cm, p.loss()));
    }
    return pts;
  }

  /** C = 6 N B S, B in tokens. */
  public static double compute(double n, double batchTokens, double steps) {
    return 6 * n * batchTokens * steps;
  }

  /** C_min = C / (1 + B / B_crit). */
  public static double minCompute(double compute, double batchTokens, double bCrit) {
    return compute / (1 + batchTokens / bCrit);
  }

  /**
   * The frontier over {@code curves}.
   *
   * @param curves every trial of every model
   * @param bCrit B_crit(L) in tokens, e.g. {@code l -> BcritLaw.predict(law, l)}
   * @param options the bootstrap's resamples, seed and confidence
   */
  public static Fit fit(
      List<TrialCurve> curves, DoubleUnaryOperator bCrit, BatchFitOptions options) {
    Map<String, List<List<Point>>> byGroup = new LinkedHashMap<>();
    Map<String, Double> sizes = new LinkedHashMap<>();
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (TrialCurve c : curves) {
      List<Point> pts = points(c, bCrit);
      if (pts.size() < 2) {
        continue;
      }
      byGroup.computeIfAbsent(c.group(), g -> new ArrayList<>()).add(pts);
      sizes.put(c.group(), c.n());
      lo = Math.min(lo, pts.get(0).cMin());
      hi = Math.max(hi, pts.get(pts.size() - 1).cMin());
    }
    if (byGroup.size() < 2) {
      return new Fit(
          Double.NaN,
          Double.NaN,
          null,
          List.of(),
          "the frontier needs curves of at least 2 models, found " + byGroup.size());
    }
    List<Level> levels = new ArrayList<>();
    for (int i = 0; i < LEVELS; i++) {
      double level = lo * Math.pow(hi / lo, i / (double) (LEVELS - 1));
      String best = null;
      double bestLoss = Double.POSITIVE_INFINITY;
      int models = 0;
      for (Map.Entry<String, List<List<Point>>> e : byGroup.entrySet()) {
        double loss = Double.POSITIVE_INFINITY;
        for (List<Point> pts : e.getValue()) {
          loss = Math.min(loss, at(pts, level));
        }
        if (Double.isFinite(loss)) {
          models++;
          if (loss < bestLoss) {
            bestLoss = loss;
            best = e.getKey();
          }
        }
      }
      if (models >= 2) {
        levels.add(new Level(level, best, sizes.get(best), bestLoss, models, true));
      }
    }
    if (levels.size() < MIN_LEVELS) {
      return new Fit(
          Double.NaN,
          Double.NaN,
          null,
          levels,
          String.format(
              Locale.ROOT,
              "only %d of %d C_min levels are reached by 2 or more models (%d needed)",
              levels.size(),
              LEVELS,
              MIN_LEVELS));
    }
    if (levels.stream().map(Level::group).distinct().count() < 2) {
      return new Fit(
          Double.NaN,
          Double.NaN,
          null,
          levels,
          "one model ("
              + levels.get(0).group()
              + ") has the lowest loss at every C_min level: the frontier does not resolve N_opt"
              + " (train longer or add models)");
    }
    int first = 0;
    while (levels.get(first + 1).group().equals(levels.get(0).group())) {
      first++;
    }
    int last = levels.size() - 1;
    while (levels.get(last - 1).group().equals(levels.get(levels.size() - 1).group())) {
      last--;
    }
    List<Level> marked = new ArrayList<>();
    for (int i = 0; i < levels.size(); i++) {
      Level l = levels.get(i);
      marked.add(
          new Level(l.cMin(), l.group(), l.n(), l.loss(), l.models(), i >= first && i <= last));
    }
    levels = marked;
    List<Level> used = levels.stream().filter(Level::fitted).toList();
    double[] x = used.stream().mapToDouble(l -> Math.log(l.cMin())).toArray();
    double[] y = used.stream().mapToDouble(l -> Math.log(l.n())).toArray();
    double[] line = Regression.line(x, y);
    Interval ci = null;
    if (options.bootstrap() > 0) {
      Random rng = new Random(options.seed());
      double[] draws = new double[options.bootstrap()];
      double[] bx = new double[x.length];
      double[] by = new double[y.length];
      for (int b = 0; b < draws.length; b++) {
        for (int i = 0; i < x.length; i++) {
          int j = rng.nextInt(x.length);
          bx[i] = x[j];
          by[i] = y[j];
        }
        double[] l = Regression.line(bx, by);
        draws[b] = l == null ? Double.NaN : l[1];
      }
      ci = Quantiles.percentile(draws, options.confidence());
    }
    return new Fit(line[1], Math.exp(line[0]), ci, levels, null);
  }

  /**
   * The loss of a curve at {@code cMin}, linear in log C_min between its points; +infinity outside
   * the curve.
   */
  static double at(List<Point> pts, double cMin) {
    if (cMin < pts.get(0).cMin() || cMin > pts.get(pts.size() - 1).cMin()) {
      return Double.POSITIVE_INFINITY;
    }
    for (int i = 1; i < pts.size(); i++) {
      Point p = pts.get(i);
      if (cMin <= p.cMin()) {
        Point q = pts.get(i - 1);
        double f = Math.log(cMin / q.cMin()) / Math.log(p.cMin() / q.cMin());
        return q.loss() + f * (p.loss() - q.loss());
      }
    }
    return pts.get(pts.size() - 1).loss();
  }
}
