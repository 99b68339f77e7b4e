package dev.scaling.common.fit;

import dev.scaling.common.trial.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * Fits scaling laws to (N, D, loss) rows by minimising the sum of Huber losses of log residuals
 * from a grid of starting points, as Hoffmann et al. (2022, approach 3) did, and keeps the best.
 *
 * <p>Every start runs BFGS (analytic gradients, strong-Wolfe line search) to a loose, scipy-like
 * tolerance in parallel; the best few distinct end points are then polished to a gradient inf-norm
 * of 1e-10 or a relative objective change below 1e-15, and the polish is restarted from its own end
 * point until it stops improving, so the result is the optimum rather than wherever a loose run
 * stopped.
 *
 * <p>Rows are grouped into (N, D) cells ({@link Cells}): a cell's rows share a prediction, so the
 * objective sums them exactly in one step, and a table of many replicates costs about as much as
 * one of its cells. The bootstrap is a cluster bootstrap: it draws cells with replacement, each
 * with all its rows, so replicates (or exact duplicates) of a point do not count as independent
 * evidence and duplicating a table leaves its intervals as they were.
 *
 * <p>Bootstrap resamples warm-start from the full-data optimum and the runner-up local optima of
 * the full grid instead of rerunning the whole grid: a resample perturbs each row's weight by
 * O(1/sqrt(n)), so its optimum lies near one of the full-data basins, and those few starts cost
 * about 1/1000 of the grid.
 *
 * <p>Rows may carry real-valued weights in (0, 1] (e.g. a predicted point counted by how precise
 * its prediction is against a measured one): a row's Huber loss is multiplied by its weight, a
 * cell's weight is the mean of its rows' weights (exactly each row's weight when the rows of a cell
 * share one, as in a sweep's table), and a bootstrap resample multiplies each drawn cell's weight
 * by the times it was drawn. Without weights every row counts 1.
 */
public final class ScalingFitter {
  private static final int POLISHED = 8;

  /**
   * Above this many (N, D) cells the loose multi-start screens the start grid on a sample of {@link
   * #SCREEN_CELLS} of them (a fixed-seed draw, the same every time): every start still runs, at the
   * cost of a few hundred cells instead of thousands; the runs are ranked by the whole table's
   * objective and the best distinct ends are polished on the whole table, so the result is an
   * optimum of the whole table's objective. At or below it every cell is used.
   */
  static final int SCREEN_ABOVE = 400;

  /** Cells the loose multi-start of a large table runs on. */
  static final int SCREEN_CELLS = 200;

  /** Seed of the screening sample's draw. */
  private static final long SCREEN_SEED = 0x5C4EE17L;

  /** Fewest distinct values of a variable a law's terms depend on. */
  private static final int MIN_DISTINCT = 3;

  /** A term below this share of every row's prediction has gone to its bound (its scale at 0). */
  static final double NEGLIGIBLE_SHARE = 1e-6;

  /**
   * A scale above this has run off towards infinity with its exponent (B/D^beta turned into a wall
   * at the smallest D): the other end of the same bound.
   */
  static final double RUNAWAY_SCALE = 1e200;

  /**
   * A form that cannot be fitted to the rows given: too few rows in its scope, or no start
   * converged.
   */
  public static final class Unfittable extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    Unfittable(String message) {
      super(message);
    }
  }

  /** Seconds between progress lines of a long bootstrap (and before the first). */
  static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

  private final FitOptions options;
  private final Consumer<String> progressLines;

  /** A fitter with the given options. */
  public ScalingFitter(FitOptions options) {
    this(options, null);
  }

  /**
   * A fitter with the given options that reports a bootstrap running longer than a few seconds to
   * {@code progress}, one line every few seconds ("bootstrap chinchilla: 120/1000 resamples, 5 s
   * elapsed, about 37 s left"); null for none.
   */
  public ScalingFitter(FitOptions options, Consumer<String> progress) {
    if (options == null) {
      throw new IllegalArgumentException("options must be present, found null");
    }
    this.options = options;
    this.progressLines = progress;
  }

  /** The options this fitter uses. */
  public FitOptions options() {
    return options;
  }

  /**
   * Fits every requested form over the rows of its scope, with bootstrap and backtest for the joint
   * ones, and the design's warnings. A form whose scope has too few rows, or that no start could
   * fit, is listed as skipped; it never stops the other forms. A fit at a bound is a result like
   * any other.
   */
  public ScalingAnalysis analyse(List<ScalingPoint> points, List<LawForm> forms) {
    return analyse(points, null, forms);
  }

  /**
   * As {@link #analyse(List, List)}, with a weight per row (null: every row 1): the fits, their
   * bootstrap and backtest weigh each row's Huber loss by it.
   *
   * @param weights one per point, each finite and in (0, 1], or null
   */
  public ScalingAnalysis analyse(List<ScalingPoint> points, double[] weights, List<LawForm> forms) {
    checkWeights(points, weights);
    List<LawFit> fits = new ArrayList<>();
    List<ScalingAnalysis.Skipped> skipped = new ArrayList<>();
    for (LawForm form : forms) {
      try {
        FitResult fit = fit(form, points, weights);
        boolean resampled =
            switch (form.law().scope()) {
              case JOINT -> true;
              case N_AT_LARGEST_D, D_AT_LARGEST_N -> false;
            };
        BootstrapResult boot =
            resampled && options.bootstrap() > 0 ? bootstrap(fit, points, weights) : null;
        Backtest back =
            resampled && options.backtestShare() > 0 ? backtest(form, points, weights) : null;
        fits.add(new LawFit(fit, boot, back));
      } catch (Unfittable e) {
        skipped.add(new ScalingAnalysis.Skipped(form, e.getMessage()));
      }
    }
    return new ScalingAnalysis(
        points, options, fits, skipped, optimalCompute(points), Identifiability.check(points));
  }

  /**
   * Fits {@code form} over the rows of its scope (all rows, or those at the largest D or N) from
   * the whole start grid; throws {@link Unfittable} when the scope has too few rows or no start
   * converged.
   */
  public FitResult fit(LawForm form, List<ScalingPoint> points) {
    return fit(form, points, null);
  }

  /** As {@link #fit(LawForm, List)}, each row's Huber loss weighted (null: every row 1). */
  public FitResult fit(LawForm form, List<ScalingPoint> points, double[] weights) {
    checkWeights(points, weights);
    Selection s = select(form, points, weights);
    Problem p = Problem.of(form, s.rows(), s.weights(), options.huberDelta(), s.fixedAt());
    return p.fit(p.base(), form.law().starts(options.grid()));
  }

  /** Refuses weights that are not one finite value in (0, 1] per point. */
  private static void checkWeights(List<ScalingPoint> points, double[] weights) {
    if (weights == null) {
      return;
    }
    if (weights.length != points.size()) {
      throw new IllegalArgumentException(
          "one weight per point: " + weights.length + " for " + points.size());
    }
    for (int i = 0; i < weights.length; i++) {
      if (!(weights[i] > 0 && weights[i] <= 1)) {
        throw new IllegalArgumentException(
            "weight of row " + i + " must be in (0, 1], found " + weights[i]);
      }
    }
  }

  /**
   * Fits {@code form} as {@link #fit} does, but from the given starts (optimiser vectors, e.g.
   * {@link LawParams#toTheta()} of known optima) instead of the whole start grid: for callers that
   * know where the optima lie, such as simulations of a known law, where each fit costs a few
   * starts instead of thousands.
   */
  public FitResult fitFrom(LawForm form, List<ScalingPoint> points, List<double[]> starts) {
    if (starts == null || starts.isEmpty()) {
      throw new IllegalArgumentException("starts must hold at least one start, found none");
    }
    Selection s = select(form, points, null);
    Problem p = Problem.of(form, s.rows(), null, options.huberDelta(), s.fixedAt());
    return p.fit(p.base(), starts);
  }

  /**
   * Why {@code form} cannot be fitted to {@code points} before any fit runs (too few rows, or too
   * few distinct N or D, in its scope), or null when it can be tried.
   */
  public static String tooFewRows(LawForm form, List<ScalingPoint> points) {
    try {
      select(form, points, null);
      return null;
    } catch (Unfittable e) {
      return e.getMessage();
    }
  }

  /** The rows of {@code form}'s scope, and the other variable's value for a single-variable law. */
  private static Selection select(LawForm form, List<ScalingPoint> points, double[] weights) {
    Law law = form.law();
    Selection s =
        switch (law.scope()) {
          case JOINT -> new Selection(points, weights, Double.NaN);
          case N_AT_LARGEST_D -> atLargest(points, weights, ScalingPoint::d);
          case D_AT_LARGEST_N -> atLargest(points, weights, ScalingPoint::n);
        };
    int need = law.dim() + 1;
    if (s.rows().size() < need) {
      throw new Unfittable(
          String.format(
              Locale.ROOT,
              "%s needs at least %d rows%s, found %d",
              form.label(),
              need,
              scopeNote(law.scope()),
              s.rows().size()));
    }
    for (Term t : law.terms()) {
      ToDoubleFunction<ScalingPoint> of =
          switch (t.variable()) {
            case N -> ScalingPoint::n;
            case D -> ScalingPoint::d;
            case NONE -> null;
          };
      if (of != null) {
        int distinct =
            Identifiability.distinct(
                s.rows().stream().mapToDouble(q -> Math.log(of.applyAsDouble(q))).toArray());
        if (distinct < MIN_DISTINCT) {
          throw new Unfittable(
              String.format(
                  Locale.ROOT,
                  "%s needs at least %d distinct %s%s, found %d",
                  form.label(),
                  MIN_DISTINCT,
                  t.variable(),
                  scopeNote(law.scope()),
                  distinct));
        }
      }
    }
    return s;
  }

  private static String scopeNote(Law.Scope scope) {
    return switch (scope) {
      case JOINT -> "";
      case N_AT_LARGEST_D -> " at the largest D";
      case D_AT_LARGEST_N -> " at the largest N";
    };
  }

  private static Selection atLargest(
      List<ScalingPoint> points, double[] weights, ToDoubleFunction<ScalingPoint> other) {
    double fixed = points.stream().mapToDouble(other).max().orElse(Double.NaN);
    List<ScalingPoint> rows = new ArrayList<>();
    List<Double> w = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      if (other.applyAsDouble(points.get(i)) >= fixed * (1 - 1e-9)) {
        rows.add(points.get(i));
        w.add(weights == null ? 1.0 : weights[i]);
      }
    }
    return new Selection(
        rows,
        weights == null ? null : w.stream().mapToDouble(Double::doubleValue).toArray(),
        fixed);
  }

  /**
   * Rows a law is fitted to, their weights (null: all 1) and, for a single-variable law, the value
   * of the other variable.
   */
  private record Selection(List<ScalingPoint> rows, double[] weights, double fixedAt) {}

  /**
   * Percentile intervals of every parameter of {@code full} (and of its compute-optimal allocation,
   * if it has one) over bootstrap resamples of the rows of a joint law.
   */
  public BootstrapResult bootstrap(FitResult full, List<ScalingPoint> points) {
    return bootstrap(full, points, null);
  }

  /**
   * As {@link #bootstrap(FitResult, List)} with row weights (null: all 1): a drawn cell counts its
   * weight times the times it was drawn.
   */
  public BootstrapResult bootstrap(FitResult full, List<ScalingPoint> points, double[] weights) {
    checkWeights(points, weights);
    int resamples = options.bootstrap();
    if (resamples <= 0) {
      throw new IllegalArgumentException(
          "bootstrap must be positive to resample, found " + resamples);
    }
    LawForm form = full.form();
    double compute = optimalCompute(points);
    Problem p = Problem.of(form, points, weights, options.huberDelta(), Double.NaN);
    double[] base = p.base();
    List<double[]> starts = full.localOptima().stream().limit(4).map(LawParams::toTheta).toList();
    int n = p.cells().size();
    boolean allocation = full.params().computeOptimal().isPresent();
    AtomicInteger done = new AtomicInteger();
    Progress progress = new Progress(form.label(), resamples, progressLines);
    ComputeOptimal.Quantity[] quantities =
        allocation ? ComputeOptimal.Quantity.values() : new ComputeOptimal.Quantity[0];
    LawParams[] fitted = new LawParams[resamples];
    double[][] draws =
        IntStream.range(0, resamples)
            .parallel()
            .mapToObj(
                k -> {
                  SplittableRandom rng =
                      new SplittableRandom(Seeds.mix(options.seed() ^ Seeds.mix(k + 1L)));
                  // A cluster bootstrap: draw n cells with replacement, each with all its rows.
                  double[] w = new double[n];
                  for (int i = 0; i < n; i++) {
                    w[rng.nextInt(n)] += 1;
                  }
                  for (int c = 0; c < n; c++) {
                    w[c] *= base[c];
                  }
                  Solution best = p.polish(w, starts);
                  progress.done(done.incrementAndGet());
                  if (best == null) {
                    // Every warm start left the law's domain on this resample (a fit running off to
                    // a bound):
                    // the draw counts as missing, like a non-finite quantity.
                    double[] missing = new double[full.params().named().size() + quantities.length];
                    Arrays.fill(missing, Double.NaN);
                    return missing;
                  }
                  fitted[k] = p.toParams(best.theta());
                  return summarise(fitted[k], quantities, compute);
                })
            .toArray(double[][]::new);
    List<String> names = new ArrayList<>(full.params().named().keySet());
    Map<String, Interval> intervals = new LinkedHashMap<>();
    Map<ComputeOptimal.Quantity, Interval> alloc = new EnumMap<>(ComputeOptimal.Quantity.class);
    double lo = (1 - options.ciLevel()) / 2;
    for (int j = 0; j < names.size() + quantities.length; j++) {
      final int col = j;
      double[] v =
          Arrays.stream(draws).mapToDouble(d -> d[col]).filter(Double::isFinite).sorted().toArray();
      if (v.length > 0) {
        Interval ci = new Interval(Quantiles.quantile(v, lo), Quantiles.quantile(v, 1 - lo));
        if (j < names.size()) {
          intervals.put(names.get(j), ci);
        } else {
          alloc.put(quantities[j - names.size()], ci);
        }
      }
    }
    return new BootstrapResult(
        resamples,
        options.seed(),
        options.ciLevel(),
        compute,
        intervals,
        alloc,
        Arrays.stream(fitted).filter(java.util.Objects::nonNull).toList());
  }

  /**
   * Fits {@code form} without the highest-compute share of rows and measures the relative error of
   * its predictions on them; null when too few rows would remain on either side.
   */
  public Backtest backtest(LawForm form, List<ScalingPoint> points) {
    return backtest(form, points, null);
  }

  /**
   * As {@link #backtest(LawForm, List)}, the fit on the kept rows weighted (null: all 1); the
   * held-out errors are each row's own.
   */
  public Backtest backtest(LawForm form, List<ScalingPoint> points, double[] weights) {
    checkWeights(points, weights);
    int n = points.size();
    int held = (int) Math.max(1, Math.round(options.backtestShare() * n));
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> points.get(i).compute()));
    int train = n - held;
    if (train < 8) {
      return null;
    }
    List<ScalingPoint> trainRows = new ArrayList<>(train);
    double[] trainWeights = weights == null ? null : new double[train];
    for (int k = 0; k < train; k++) {
      trainRows.add(points.get(order[k]));
      if (weights != null) {
        trainWeights[k] = weights[order[k]];
      }
    }
    Problem p = Problem.of(form, trainRows, trainWeights, options.huberDelta(), Double.NaN);
    FitResult fit = p.fit(p.base(), form.law().starts(options.grid()));
    double sum = 0;
    double max = 0;
    for (int k = train; k < n; k++) {
      ScalingPoint q = points.get(order[k]);
      double err = Math.abs(fit.params().predict(q.n(), q.d()) - q.loss()) / q.loss();
      sum += err;
      max = Math.max(max, err);
    }
    return new Backtest(
        form,
        options.backtestShare(),
        train,
        held,
        points.get(order[train]).compute(),
        sum / held,
        max);
  }

  /** The objective of {@code params} on {@code points} at this fitter's delta. */
  public double objective(LawParams params, List<ScalingPoint> points) {
    Problem p =
        Problem.of(
            params.form(),
            points,
            null,
            options.huberDelta(),
            params instanceof PowerLawParams pl ? pl.fixedAt() : Double.NaN);
    return p.objective(p.base()).value(params.toTheta());
  }

  /** The largest 6ND of the table: where N_opt is reported. */
  private static double optimalCompute(List<ScalingPoint> points) {
    return points.stream().mapToDouble(ScalingPoint::compute).max().orElse(Double.NaN);
  }

  private static double[] summarise(
      LawParams params, ComputeOptimal.Quantity[] quantities, double compute) {
    double[] named = params.named().values().stream().mapToDouble(Double::doubleValue).toArray();
    double[] v = Arrays.copyOf(named, named.length + quantities.length);
    ComputeOptimal o = quantities.length == 0 ? null : params.computeOptimal().orElse(null);
    for (int q = 0; q < quantities.length; q++) {
      v[named.length + q] = o == null ? Double.NaN : quantities[q].of(o, compute);
    }
    return v;
  }

  private static double[] ones(int n) {
    double[] w = new double[n];
    Arrays.fill(w, 1.0);
    return w;
  }

  /** Prints a line every few seconds while a bootstrap runs, none for a short one. */
  private static final class Progress {
    private final String label;
    private final int total;
    private final Consumer<String> out;
    private final long start = System.nanoTime();
    private final AtomicLong last = new AtomicLong(start);

    Progress(String label, int total, Consumer<String> out) {
      this.label = label;
      this.total = total;
      this.out = out;
    }

    void done(int k) {
      if (out == null) {
        return;
      }
      long now = System.nanoTime();
      long was = last.get();
      if (now - was < PROGRESS_EVERY_NANOS || k >= total || !last.compareAndSet(was, now)) {
        return;
      }
      double elapsed = (now - start) / 1e9;
      out.accept(
          String.format(
              Locale.ROOT,
              "bootstrap %s: %d/%d resamples, %.0f s elapsed, about %.0f s left",
              label,
              k,
              total,
              elapsed,
              elapsed / k * (total - k)));
    }
  }

  /** An optimiser end point. */
  record Solution(double[] theta, double f) {}

  /**
   * One law over one table, its rows grouped into (N, D) cells: builds objectives for given cell
   * weights and runs the multi-start.
   */
  private record Problem(
      LawForm form, Cells cells, double[] weights, double delta, double fixedAt) {
    static Problem of(
        LawForm form,
        List<ScalingPoint> points,
        double[] rowWeights,
        double delta,
        double fixedAt) {
      double[] ln = points.stream().mapToDouble(q -> Math.log(q.n())).toArray();
      double[] ld = points.stream().mapToDouble(q -> Math.log(q.d())).toArray();
      double[] ll = points.stream().mapToDouble(q -> Math.log(q.loss())).toArray();
      if (points.isEmpty()) {
        throw new Unfittable("cannot fit " + form.label() + " to 0 rows");
      }
      Cells cells = Cells.group(ln, ld, ll);
      double[] base =
          rowWeights == null ? ones(cells.size()) : Cells.meanPerCell(ln, ld, rowWeights);
      return new Problem(form, cells, base, delta, fixedAt);
    }

    /** Each cell's weight (the mean of its rows'), a fresh copy. */
    double[] base() {
      return weights.clone();
    }

    Objective objective(double[] w) {
      return new Objective(form.law(), cells, w, delta);
    }

    LawParams toParams(double[] t) {
      return form.law().params(form, t, fixedAt);
    }

    boolean valid(double[] t) {
      try {
        toParams(t);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    FitResult fit(double[] w, List<double[]> starts) {
      long t0 = System.nanoTime();
      Objective obj = objective(w);
      Objective screen = cells.size() > SCREEN_ABOVE ? objective(screened(w)) : obj;
      List<Solution> loose =
          starts.parallelStream()
              .map(
                  s -> {
                    Bfgs.Result r = new Bfgs(screen).minimise(s, Bfgs.LOOSE);
                    return new Solution(r.x(), screen == obj ? r.f() : obj.value(r.x()));
                  })
              .filter(s -> Double.isFinite(s.f()) && valid(s.theta()))
              .sorted(Comparator.comparingDouble(Solution::f))
              .toList();
      List<double[]> seeds =
          Bfgs.distinctEnds(loose, Solution::theta, POLISHED).stream()
              .map(Solution::theta)
              .toList();
      if (seeds.isEmpty()) {
        throw new Unfittable(
            "no start of " + form.label() + " reached a finite objective within the law's domain");
      }
      List<Solution> polished =
          seeds.parallelStream()
              .map(s -> polishOne(obj, s))
              .filter(s -> valid(s.theta()))
              .sorted(Comparator.comparingDouble(Solution::f))
              .toList();
      if (polished.isEmpty()) {
        // Every polished run left the valid region (a degenerate design): keep the loose optima.
        polished = loose;
      }
      List<LawParams> optima =
          Bfgs.distinctEnds(polished, Solution::theta, POLISHED).stream()
              .map(s -> toParams(s.theta()))
              .toList();
      Solution best = polished.get(0);
      int used = 0;
      for (int c = 0; c < w.length; c++) {
        used += w[c] != 0 ? cells.count[c] : 0;
      }
      LawParams params = toParams(best.theta());
      return new FitResult(
          form,
          params,
          best.f(),
          used,
          delta,
          starts.size(),
          optima,
          atBound(obj, best.theta(), params),
          (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * {@code w} on a fixed-seed sample of {@link #SCREEN_CELLS} of the cells weighted in it, 0 on
     * the others (the objective skips cells of weight 0).
     */
    private static double[] screened(double[] w) {
      int[] live = IntStream.range(0, w.length).filter(c -> w[c] != 0).toArray();
      double[] out = new double[w.length];
      if (live.length <= SCREEN_CELLS) {
        return w.clone();
      }
      // A partial Fisher-Yates shuffle: the first SCREEN_CELLS of a seeded permutation.
      SplittableRandom rng = new SplittableRandom(SCREEN_SEED);
      for (int k = 0; k < SCREEN_CELLS; k++) {
        int j = k + rng.nextInt(live.length - k);
        int t = live[k];
        live[k] = live[j];
        live[j] = t;
        out[live[k]] = w[live[k]];
      }
      return out;
    }

    /** Scales whose term is a negligible share of every row, then exponents at or below 0. */
    private List<String> atBound(Objective obj, double[] theta, LawParams params) {
      List<String> out = new ArrayList<>();
      double[] share = obj.maxShares(theta);
      List<Term> terms = form.law().terms();
      for (int k = 0; k < terms.size(); k++) {
        Double scale = params.named().get(terms.get(k).scale());
        if (!(share[k] >= NEGLIGIBLE_SHARE) || (scale != null && scale > RUNAWAY_SCALE)) {
          out.add(terms.get(k).scale());
        }
      }
      params
          .named()
          .forEach(
              (name, v) -> {
                if (form.law().exponents().contains(name) && !(v > 0)) {
                  out.add(name);
                }
              });
      return out;
    }

    /**
     * Tight runs from each start, each restarted until it stops improving; the best inside the
     * law's domain, null when none is.
     */
    Solution polish(double[] w, List<double[]> starts) {
      Objective obj = objective(w);
      Solution best = null;
      for (double[] s : starts) {
        Solution r = polishOne(obj, s);
        if (Double.isFinite(r.f()) && valid(r.theta()) && (best == null || r.f() < best.f())) {
          best = r;
        }
      }
      return best;
    }

    private static Solution polishOne(Objective obj, double[] start) {
      Bfgs.Result r = new Bfgs(obj).minimise(start, Bfgs.TIGHT);
      for (int round = 0; round < 4; round++) {
        Bfgs.Result again = new Bfgs(obj).minimise(r.x(), Bfgs.TIGHT);
        boolean better = again.f() < r.f();
        if (again.f() <= r.f()) {
          r = again;
        }
        if (!better || again.iterations() <= 1) {
          break;
        }
      }
      return new Solution(r.x(), r.f());
    }
  }
}
