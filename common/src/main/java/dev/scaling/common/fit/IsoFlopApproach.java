package dev.scaling.common.fit;

import dev.scaling.common.trial.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Chinchilla's approach 2: per compute budget a least-squares quadratic of loss in log10 N, its
 * vertex N*(C) (D* from the budget's line of log D on log N), then lines of log N* and log D* on
 * log C. A budget whose lowest loss lies at its smallest or largest N (or whose quadratic has no
 * interior minimum) is flagged and left out, as Porian et al. do. Intervals come from a bootstrap
 * over runs, resampled within each budget.
 */
final class IsoFlopApproach implements Approach {
  /** Fewest distinct model sizes a budget needs for a quadratic. */
  static final int MIN_SIZES = 3;

  /** Fewest budgets with an interior vertex for a line through them. */
  static final int MIN_BUDGETS = 2;

  @Override
  public Allocation estimate(ApproachKind kind, Study s) {
    long t0 = System.nanoTime();
    List<ScalingPoint> pts = s.points();
    List<Budget> usable = s.profiles();
    if (usable.size() < MIN_BUDGETS) {
      throw new NotApplicable(
          String.format(
              Locale.ROOT,
              "rows do not group into compute budgets: %d of %d groups (%s within 5%%) have %d or"
                  + " more distinct N, need %d",
              usable.size(),
              s.budgets().size(),
              s.computeGiven() ? "given compute" : "6ND",
              MIN_SIZES,
              MIN_BUDGETS));
    }
    List<int[]> rows =
        usable.stream().map(b -> b.rows().stream().mapToInt(i -> i).toArray()).toList();
    Result full = fit(s, usable, rows);
    long kept = full.profiles.stream().filter(p -> !p.atEdge()).count();
    if (full.line == null) {
      throw new NotApplicable(
          String.format(
              Locale.ROOT,
              "%d of %d budgets have their vertex at the grid's edge or no minimum; %d interior"
                  + " vertices, need %d",
              usable.size() - kept,
              usable.size(),
              kept,
              MIN_BUDGETS));
    }
    int resamples = s.options().bootstrap();
    Interval ciA = null;
    Interval ciB = null;
    if (resamples > 0) {
      double[][] draws =
          IntStream.range(0, resamples)
              .parallel()
              .mapToObj(
                  k -> {
                    SplittableRandom rng =
                        new SplittableRandom(Seeds.mix(s.options().seed() ^ Seeds.mix(k + 7L)));
                    List<int[]> re = new ArrayList<>();
                    for (int[] r : rows) {
                      int[] pick = new int[r.length];
                      for (int i = 0; i < r.length; i++) {
                        pick[i] = r[rng.nextInt(r.length)];
                      }
                      re.add(pick);
                    }
                    Result x = fit(s, usable, re);
                    return x.line == null
                        ? new double[] {Double.NaN, Double.NaN}
                        : new double[] {x.line[1], x.lineD[1]};
                  })
              .toArray(double[][]::new);
      double level = s.options().ciLevel();
      ciA = Quantiles.percentile(Arrays.stream(draws).mapToDouble(d -> d[0]).toArray(), level);
      ciB = Quantiles.percentile(Arrays.stream(draws).mapToDouble(d -> d[1]).toArray(), level);
    }
    List<Allocation.FrontierPoint> frontier =
        full.profiles.stream()
            .filter(p -> !p.atEdge())
            .map(
                p ->
                    new Allocation.FrontierPoint(
                        p.compute(), p.vertexN(), p.vertexD(), p.predict(p.vertexN())))
            .toList();
    return new Allocation(
        kind,
        full.line[1],
        full.lineD[1],
        Math.pow(10, full.line[0]),
        Math.pow(10, full.lineD[0]),
        ciA,
        ciB,
        s.targetCompute(),
        frontier,
        full.profiles,
        (System.nanoTime() - t0) / 1_000_000);
  }

  /** Profiles of the budgets from the given rows of each, and the lines through their vertices. */
  private static Result fit(Study s, List<Budget> budgets, List<int[]> rows) {
    List<Allocation.Profile> profiles = new ArrayList<>();
    for (int k = 0; k < budgets.size(); k++) {
      Allocation.Profile p = profile(s, budgets.get(k).compute(), rows.get(k));
      if (p != null) {
        profiles.add(p);
      }
    }
    List<Allocation.Profile> kept = profiles.stream().filter(p -> !p.atEdge()).toList();
    if (kept.size() < MIN_BUDGETS) {
      return new Result(profiles, null, null);
    }
    double[] lc = kept.stream().mapToDouble(p -> Math.log10(p.compute())).toArray();
    double[] line =
        Regression.line(lc, kept.stream().mapToDouble(p -> Math.log10(p.vertexN())).toArray());
    double[] lineD =
        Regression.line(lc, kept.stream().mapToDouble(p -> Math.log10(p.vertexD())).toArray());
    return line == null || lineD == null
        ? new Result(profiles, null, null)
        : new Result(profiles, line, lineD);
  }

  /** One budget's quadratic and vertex; null with fewer than 3 distinct N among the rows. */
  static Allocation.Profile profile(Study s, double compute, int[] rows) {
    List<ScalingPoint> pts = s.points();
    int[] sorted =
        Arrays.stream(rows)
            .boxed()
            .sorted((i, j) -> Double.compare(pts.get(i).n(), pts.get(j).n()))
            .mapToInt(i -> i)
            .toArray();
    double[] x = Arrays.stream(sorted).mapToDouble(i -> Math.log10(pts.get(i).n())).toArray();
    double[] y = Arrays.stream(sorted).mapToDouble(i -> pts.get(i).loss()).toArray();
    double[] ld = Arrays.stream(sorted).mapToDouble(i -> Math.log10(pts.get(i).d())).toArray();
    if (Identifiability.distinct(x) < MIN_SIZES) {
      return null;
    }
    double[] q = Regression.quadratic(x, y);
    double[] dl = Regression.line(x, ld);
    double xmin = x[0];
    double xmax = x[x.length - 1];
    int best = 0;
    for (int i = 1; i < y.length; i++) {
      if (y[i] < y[best]) {
        best = i;
      }
    }
    boolean bestAtEdge = x[best] - xmin < 1e-9 || xmax - x[best] < 1e-9;
    double xv = q == null || !(q[2] > 0) ? Double.NaN : -q[1] / (2 * q[2]);
    boolean edge = bestAtEdge || !(xv > xmin && xv < xmax);
    double position = (xv - xmin) / (xmax - xmin);
    double vd = dl == null || Double.isNaN(xv) ? Double.NaN : Math.pow(10, dl[0] + dl[1] * xv);
    return new Allocation.Profile(
        compute,
        Arrays.stream(sorted).mapToObj(i -> pts.get(i).n()).toList(),
        Arrays.stream(y).boxed().toList(),
        q == null ? Double.NaN : q[0],
        q == null ? Double.NaN : q[1],
        q == null ? Double.NaN : q[2],
        Double.isNaN(xv) ? Double.NaN : Math.pow(10, xv),
        vd,
        position,
        edge || !Double.isFinite(vd));
  }

  private record Result(List<Allocation.Profile> profiles, double[] line, double[] lineD) {}
}
