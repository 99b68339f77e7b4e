package dev.scaling.common.curve;

import dev.scaling.common.fit.Bfgs;
import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.Quantiles;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Fits a {@link CurveLaw} to training curves: the sum over their logged rows of Huber_delta(log
 * predicted - log loss), minimised by BFGS with the law's analytic gradient from the law's grid of
 * starts (positive parameters searched in log space), then the same fit on bootstrap resamples of
 * the training runs (whole runs, not points of one run) for percentile intervals.
 *
 * <p>The multi-start runs every start of {@link CurveLaw#starts} with {@link Bfgs#LOOSE}, then
 * polishes the best {@link #POLISHED} distinct end points with {@link #POLISH} (restarted while
 * that still improves) and keeps the lowest. Rows whose loss is NaN (not logged) or where the law
 * is undefined ({@link CurveLaw.Prepared#defined}: the Multi-Power Law at S1 = 0) are skipped.
 *
 * <p>Bootstrap resample k draws as many runs as there are, with replacement, from a {@link
 * SplittableRandom} seeded with {@code Seeds.mix(seed ^ Seeds.mix(k + 1))} (as the scaling fitter
 * seeds its resamples), and refits from the point estimate's best end points; its parameter vector
 * is one of {@link CurveFit#draws} (all NaN when every refit left the law's domain), and each
 * parameter's interval is the type-7 percentile interval of the finite draws at {@link
 * CurveFitOptions#confidence}. Curves are evaluated on {@link CurveFitOptions#threads} threads; the
 * result does not depend on their number.
 */
public final class CurveFitter {
  /** How many of the best distinct loose end points are polished. */
  static final int POLISHED = 3;

  /**
   * The polish's stopping rule: the gradient of the normalised objective (see {@link
   * CurveObjective}, about 1/2 per row at the optimum) at most 1e-5, or a relative change of at
   * most 1e-12 three iterations running. {@link Bfgs#TIGHT} (1e-10, 1e-15) suits the scaling
   * fitter's few rows; over 1e4 to 1e5 rows the objective's rounding noise (about 1e-15 of it)
   * stops the line search first, and BFGS spends two failed searches of 60 evaluations there
   * (measured on the 44-curve bench: 228 evaluations where 106 reach the same point to 12 digits).
   * At a gradient of 1e-5 the log-parameters are within about 1e-6 of the optimum along
   * well-determined directions, far inside their statistical precision.
   */
  static final Bfgs.Tolerance POLISH = new Bfgs.Tolerance(1e-5, 1e-12, 5000);

  /** The least logged losses a training run needs. */
  static final int MIN_LOSSES = 3;

  private CurveFitter() {}

  /** Fits {@code form} to {@code train}; throws a SpecException for too few runs or points. */
  public static CurveFit fit(CurveLawForm form, List<Curve> train, CurveFitOptions options) {
    if (train == null || train.isEmpty()) {
      throw new SpecException("training runs", "at least one run with logged losses", 0);
    }
    Set<String> names = new HashSet<>();
    for (Curve c : train) {
      int n = c.loggedLosses();
      if (n < MIN_LOSSES) {
        throw SpecException.of(
            "run " + c.run(),
            "a training run needs at least " + MIN_LOSSES + " logged losses, found " + n);
      }
      if (!names.add(c.run())) {
        throw SpecException.of("run " + c.run(), "training runs need distinct names");
      }
    }
    ForkJoinPool pool = options.threads() > 1 ? new ForkJoinPool(options.threads()) : null;
    try {
      if (pool == null) {
        return new Fit(form, train, options, null).run();
      }
      return pool.submit(() -> new Fit(form, train, options, pool).run()).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("curve fit interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      if (pool != null) {
        pool.shutdown();
      }
    }
  }

  /** An optimiser end point in search coordinates. */
  private record End(double[] theta, double f, boolean converged) {}

  /** One fit's state: the prepared curves and the pool. */
  private static final class Fit {
    private final CurveLawForm form;
    private final CurveLaw law;
    private final List<Curve> train;
    private final CurveFitOptions options;
    private final ForkJoinPool pool;
    private final List<CurveLaw.Prepared> prepared;

    Fit(CurveLawForm form, List<Curve> train, CurveFitOptions options, ForkJoinPool pool) {
      this.form = form;
      this.law = form.law();
      this.train = train;
      this.options = options;
      this.pool = pool;
      IntStream idx = IntStream.range(0, train.size());
      this.prepared =
          (pool == null ? idx : idx.parallel())
              .mapToObj(i -> law.prepare(train.get(i)))
              .map(p -> (CurveLaw.Prepared) p)
              .toList();
      for (CurveLaw.Prepared p : prepared) {
        int usable = 0;
        double[] loss = p.curve().loss();
        for (int r = 0; r < loss.length; r++) {
          usable += !Double.isNaN(loss[r]) && p.defined(r) ? 1 : 0;
        }
        if (usable < MIN_LOSSES) {
          throw SpecException.of(
              "run " + p.curve().run(),
              "a training run needs at least "
                  + MIN_LOSSES
                  + " logged losses where the law is defined (S1 > 0), found "
                  + usable);
        }
      }
    }

    CurveObjective objective(double[] weight) {
      return new CurveObjective(law, prepared, weight, options.huberDelta(), pool);
    }

    CurveFit run() {
      double[] ones = new double[train.size()];
      Arrays.fill(ones, 1);
      CurveObjective obj = objective(ones);
      List<double[]> starts = law.starts(prepared);
      List<End> loose = new ArrayList<>();
      for (double[] s : starts) {
        Bfgs.Result r = new Bfgs(obj).minimise(obj.toTheta(s), Bfgs.LOOSE);
        if (Double.isFinite(r.f())) {
          loose.add(new End(r.x(), r.f(), r.converged()));
        }
      }
      if (loose.isEmpty()) {
        throw new IllegalStateException(
            "no start of " + form.label() + " reached a finite objective on " + runs());
      }
      loose.sort(Comparator.comparingDouble(End::f));
      List<End> seeds = Bfgs.distinctEnds(loose, End::theta, POLISHED);
      List<End> polished = new ArrayList<>();
      for (End s : seeds) {
        polished.add(polish(obj, s.theta()));
      }
      polished.sort(Comparator.comparingDouble(End::f));
      End best = polished.get(0);
      double[] params = obj.toParams(best.theta());
      List<double[]> draws = List.of();
      List<Interval> intervals = List.of();
      if (options.bootstrap() > 0) {
        List<double[]> from =
            Bfgs.distinctEnds(polished, End::theta, 2).stream().map(End::theta).toList();
        draws = bootstrap(from);
        intervals = intervals(draws, params.length);
      }
      return new CurveFit(
          form,
          params,
          intervals,
          obj.huberSum(params),
          runs(),
          obj.points(),
          best.converged(),
          draws);
    }

    private List<String> runs() {
      return train.stream().map(Curve::run).toList();
    }

    /** Tight runs from {@code start}, restarted while that still improves. */
    private End polish(CurveObjective obj, double[] start) {
      Bfgs.Result r = new Bfgs(obj).minimise(start, POLISH);
      for (int round = 0; round < 3 && !r.converged(); round++) {
        Bfgs.Result again = new Bfgs(obj).minimise(r.x(), POLISH);
        boolean better = again.f() < r.f();
        if (again.f() <= r.f()) {
          r = again;
        }
        if (!better || again.iterations() <= 1) {
          break;
        }
      }
      return new End(r.x(), r.f(), r.converged());
    }

    private List<double[]> bootstrap(List<double[]> from) {
      int n = train.size();
      int dim = law.dim();
      IntStream ks = IntStream.range(0, options.bootstrap());
      return (pool == null ? ks : ks.parallel())
          .mapToObj(
              k -> {
                SplittableRandom rng =
                    new SplittableRandom(Seeds.mix(options.seed() ^ Seeds.mix(k + 1L)));
                double[] w = new double[n];
                for (int i = 0; i < n; i++) {
                  w[rng.nextInt(n)] += 1;
                }
                CurveObjective obj = objective(w);
                End best = null;
                for (double[] s : from) {
                  End e = polish(obj, s);
                  if (Double.isFinite(e.f()) && (best == null || e.f() < best.f())) {
                    best = e;
                  }
                }
                if (best == null) {
                  double[] missing = new double[dim];
                  Arrays.fill(missing, Double.NaN);
                  return missing;
                }
                return obj.toParams(best.theta());
              })
          .toList();
    }

    private List<Interval> intervals(List<double[]> draws, int dim) {
      List<Interval> out = new ArrayList<>();
      for (int j = 0; j < dim; j++) {
        final int col = j;
        Interval ci =
            Quantiles.percentile(
                draws.stream().mapToDouble(d -> d[col]).toArray(), options.confidence());
        if (ci == null) {
          return List.of();
        }
        out.add(ci);
      }
      return out;
    }
  }
}
