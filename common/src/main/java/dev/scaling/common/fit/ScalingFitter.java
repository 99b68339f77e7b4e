package dev.scaling.common.fit;

import dev.scaling.common.trial.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Fits scaling laws to (N, D, loss) rows by minimising the sum of Huber losses of log residuals from a
 * grid of starting points, as Hoffmann et al. (2022, approach 3) did, and keeps the best.
 *
 * <p>Every start runs BFGS (analytic gradients, strong-Wolfe line search) to a loose, scipy-like
 * tolerance in parallel; the best few distinct end points are then polished to a gradient inf-norm of
 * 1e-10 or a relative objective change below 1e-15, and the polish is restarted from its own end point
 * until it stops improving, so the result is the optimum rather than wherever a loose run stopped.
 *
 * <p>Bootstrap resamples warm-start from the full-data optimum and the runner-up local optima of the
 * full grid instead of rerunning the whole grid: a resample perturbs each row's weight by O(1/sqrt(n)),
 * so its optimum lies near one of the full-data basins, and those few starts cost about 1/1000 of the
 * grid.
 */
public final class ScalingFitter {
  private static final int POLISHED = 8;

  private final FitOptions options;

  /** A fitter with the given options. */
  public ScalingFitter(FitOptions options) {
    if (options == null) {
      throw new IllegalArgumentException("options must be present, found null");
    }
    this.options = options;
  }

  /** The options this fitter uses. */
  public FitOptions options() {
    return options;
  }

  /** Fits every requested joint form, with bootstrap, backtest, single-variable laws and warnings. */
  public ScalingAnalysis analyse(List<ScalingPoint> points, List<LawForm> forms) {
    List<LawFit> fits = new ArrayList<>();
    ComputeOptimal optimal = null;
    for (LawForm form : forms) {
      if (form != LawForm.CHINCHILLA && form != LawForm.KAPLAN) {
        throw new IllegalArgumentException("joint form must be chinchilla or kaplan, found " + form.label());
      }
      FitResult fit = fit(form, points);
      BootstrapResult boot = options.bootstrap() > 0 ? bootstrap(fit, points) : null;
      Backtest back = options.backtestShare() > 0 ? backtest(form, points) : null;
      fits.add(new LawFit(fit, boot, back));
      if (form == LawForm.CHINCHILLA) {
        optimal = ((ChinchillaParams) fit.params()).computeOptimal();
      }
    }
    List<FitResult> single = new ArrayList<>();
    for (LawForm f : List.of(LawForm.POWER_N, LawForm.POWER_D)) {
      FitResult r = fitSingleVariable(f, points);
      if (r != null) {
        single.add(r);
      }
    }
    return new ScalingAnalysis(points, options, fits, single, optimal, Identifiability.check(points));
  }

  /** Fits one joint form (Chinchilla or Kaplan) over all rows from the full start grid. */
  public FitResult fit(LawForm form, List<ScalingPoint> points) {
    Problem p = Problem.of(form, points, options.huberDelta(), Double.NaN);
    return p.fit(ones(points.size()), options.grid().starts(form));
  }

  /**
   * Fits L(N) over the rows at the largest D ({@code POWER_N}) or L(D) over the rows at the largest N
   * ({@code POWER_D}); null when fewer than 4 such rows with 3 distinct values exist.
   */
  public FitResult fitSingleVariable(LawForm form, List<ScalingPoint> points) {
    boolean overN = form == LawForm.POWER_N;
    if (!overN && form != LawForm.POWER_D) {
      throw new IllegalArgumentException("single-variable form must be power_n or power_d, found " + form);
    }
    double fixed = points.stream().mapToDouble(q -> overN ? q.d() : q.n()).max().orElse(Double.NaN);
    List<ScalingPoint> rows = points.stream()
        .filter(q -> (overN ? q.d() : q.n()) >= fixed * (1 - 1e-9))
        .toList();
    double[] xs = rows.stream().mapToDouble(q -> Math.log(overN ? q.n() : q.d())).toArray();
    if (rows.size() < 4 || Identifiability.distinct(xs) < 3) {
      return null;
    }
    Problem p = Problem.of(form, rows, options.huberDelta(), fixed);
    return p.fit(ones(rows.size()), options.grid().starts(form));
  }

  /** Percentile intervals of every parameter of {@code full} over bootstrap resamples of the rows. */
  public BootstrapResult bootstrap(FitResult full, List<ScalingPoint> points) {
    int resamples = options.bootstrap();
    if (resamples <= 0) {
      throw new IllegalArgumentException("bootstrap must be positive to resample, found " + resamples);
    }
    LawForm form = full.form();
    double compute = optimalCompute(points);
    Problem p = Problem.of(form, points, options.huberDelta(), Double.NaN);
    List<double[]> starts = full.localOptima().stream().limit(4).map(LawParams::toTheta).toList();
    int n = points.size();
    double[][] draws = IntStream.range(0, resamples).parallel().mapToObj(k -> {
      SplittableRandom rng = new SplittableRandom(Seeds.mix(options.seed() ^ Seeds.mix(k + 1L)));
      double[] w = new double[n];
      for (int i = 0; i < n; i++) {
        w[rng.nextInt(n)] += 1;
      }
      Solution best = p.polish(w, starts);
      return summarise(p.toParams(best.theta()), compute);
    }).toArray(double[][]::new);
    List<String> names = new ArrayList<>(full.params().named().keySet());
    if (form == LawForm.CHINCHILLA) {
      names.addAll(List.of("a", "b", "N_opt"));
    }
    Map<String, Interval> intervals = new LinkedHashMap<>();
    double lo = (1 - options.ciLevel()) / 2;
    for (int j = 0; j < names.size(); j++) {
      final int col = j;
      double[] v = Arrays.stream(draws).mapToDouble(d -> d[col]).filter(Double::isFinite).sorted().toArray();
      if (v.length > 0) {
        intervals.put(names.get(j), new Interval(quantile(v, lo), quantile(v, 1 - lo)));
      }
    }
    return new BootstrapResult(resamples, options.seed(), options.ciLevel(),
        form == LawForm.CHINCHILLA ? compute : Double.NaN, intervals);
  }

  /**
   * Fits {@code form} without the highest-compute share of rows and measures the relative error of its
   * predictions on them; null when too few rows would remain on either side.
   */
  public Backtest backtest(LawForm form, List<ScalingPoint> points) {
    int n = points.size();
    int held = (int) Math.max(1, Math.round(options.backtestShare() * n));
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> points.get(i).compute()));
    int train = n - held;
    if (train < 8) {
      return null;
    }
    double[] w = new double[n];
    for (int k = 0; k < train; k++) {
      w[order[k]] = 1;
    }
    Problem p = Problem.of(form, points, options.huberDelta(), Double.NaN);
    FitResult fit = p.fit(w, options.grid().starts(form));
    double sum = 0;
    double max = 0;
    for (int k = train; k < n; k++) {
      ScalingPoint q = points.get(order[k]);
      double err = Math.abs(fit.params().predict(q.n(), q.d()) - q.loss()) / q.loss();
      sum += err;
      max = Math.max(max, err);
    }
    return new Backtest(form, options.backtestShare(), train, held,
        points.get(order[train]).compute(), sum / held, max);
  }

  /** The objective of {@code params} on {@code points} at this fitter's delta. */
  public double objective(LawParams params, List<ScalingPoint> points) {
    Problem p = Problem.of(params.form(), points, options.huberDelta(),
        params instanceof PowerLawParams pl ? pl.fixedAt() : Double.NaN);
    return p.objective(ones(points.size())).value(params.toTheta());
  }

  private double optimalCompute(List<ScalingPoint> points) {
    if (!Double.isNaN(options.optimalCompute())) {
      return options.optimalCompute();
    }
    return points.stream().mapToDouble(ScalingPoint::compute).max().orElse(Double.NaN);
  }

  private static double[] summarise(LawParams params, double compute) {
    List<Double> v = new ArrayList<>(params.named().values());
    if (params instanceof ChinchillaParams c) {
      double s = c.alpha() + c.beta();
      v.add(c.beta() / s);
      v.add(c.alpha() / s);
      double g = Math.pow(c.alpha() * c.a() / (c.beta() * c.b()), 1.0 / s);
      v.add(g * Math.pow(compute / 6.0, c.beta() / s));
    }
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Type-7 (linear interpolation) quantile of sorted values. */
  static double quantile(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  private static double[] ones(int n) {
    double[] w = new double[n];
    Arrays.fill(w, 1.0);
    return w;
  }

  /** An optimiser end point. */
  record Solution(double[] theta, double f) {}

  /** One law over one table: builds objectives for given row weights and runs the multi-start. */
  private record Problem(LawForm form, double[] logN, double[] logD, double[] logL, double delta,
      double fixedAt) {
    static Problem of(LawForm form, List<ScalingPoint> points, double delta, double fixedAt) {
      double[] ln = points.stream().mapToDouble(q -> Math.log(q.n())).toArray();
      double[] ld = points.stream().mapToDouble(q -> Math.log(q.d())).toArray();
      double[] ll = points.stream().mapToDouble(q -> Math.log(q.loss())).toArray();
      if (points.isEmpty()) {
        throw new IllegalArgumentException("cannot fit " + form.label() + " to 0 rows");
      }
      return new Problem(form, ln, ld, ll, delta, fixedAt);
    }

    Objective objective(double[] w) {
      return switch (form) {
        case CHINCHILLA -> new Objective.Chinchilla(logN, logD, logL, w, delta);
        case KAPLAN -> new Objective.Kaplan(logN, logD, logL, w, delta);
        case POWER_N -> new Objective.Power(logN, logL, w, delta);
        case POWER_D -> new Objective.Power(logD, logL, w, delta);
      };
    }

    LawParams toParams(double[] t) {
      return switch (form) {
        case CHINCHILLA -> ChinchillaParams.fromTheta(t);
        case KAPLAN -> KaplanParams.fromTheta(t);
        case POWER_N, POWER_D -> PowerLawParams.fromTheta(form, t, fixedAt);
      };
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
      List<Solution> loose = starts.parallelStream()
          .map(s -> {
            Bfgs.Result r = new Bfgs(obj).minimise(s, Bfgs.LOOSE);
            return new Solution(r.x(), r.f());
          })
          .filter(s -> Double.isFinite(s.f()) && valid(s.theta()))
          .sorted(Comparator.comparingDouble(Solution::f))
          .toList();
      List<double[]> seeds = distinct(loose, POLISHED).stream().map(Solution::theta).toList();
      if (seeds.isEmpty()) {
        throw new IllegalStateException("no start of " + form.label() + " reached a finite objective");
      }
      List<Solution> polished = seeds.parallelStream()
          .map(s -> polishOne(obj, s))
          .filter(s -> valid(s.theta()))
          .sorted(Comparator.comparingDouble(Solution::f))
          .toList();
      if (polished.isEmpty()) {
        // Every polished run left the valid region (a degenerate design): keep the loose optima.
        polished = loose;
      }
      List<LawParams> optima = distinct(polished, POLISHED).stream().map(s -> toParams(s.theta())).toList();
      Solution best = polished.get(0);
      int used = (int) Arrays.stream(w).filter(x -> x != 0).count();
      return new FitResult(form, toParams(best.theta()), best.f(), used, delta, starts.size(), optima,
          (System.nanoTime() - t0) / 1_000_000);
    }

    /** Tight runs from each start, each restarted until it stops improving; the best. */
    Solution polish(double[] w, List<double[]> starts) {
      Objective obj = objective(w);
      Solution best = null;
      for (double[] s : starts) {
        Solution r = polishOne(obj, s);
        if (best == null || r.f() < best.f()) {
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

    private static List<Solution> distinct(List<Solution> sorted, int limit) {
      List<Solution> out = new ArrayList<>();
      for (Solution s : sorted) {
        boolean seen = out.stream().anyMatch(o -> maxDiff(o.theta(), s.theta()) < 1e-3);
        if (!seen) {
          out.add(s);
          if (out.size() == limit) {
            break;
          }
        }
      }
      return out;
    }

    private static double maxDiff(double[] a, double[] b) {
      double m = 0;
      for (int i = 0; i < a.length; i++) {
        m = Math.max(m, Math.abs(a[i] - b[i]));
      }
      return m;
    }
  }
}
