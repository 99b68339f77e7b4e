package dev.scaling.common.fit;

import dev.scaling.common.trial.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Chinchilla's approach 1: the lowest loss reached at each compute over every run's final point,
 * then lines of log N and log D of the runs on that frontier against log C. Intervals come from a
 * bootstrap over (N, D) cells.
 *
 * <p>The frontier depends on the design. On an IsoFLOP design (at least {@link #MIN_HULL} budgets
 * that are {@linkplain Study#profiles() profiles}) it is each budget's lowest-loss run, kept while
 * the loss keeps falling with compute: the budgets are the computes the study asked about, and a
 * frontier that bends the other way (loss falling faster at larger budgets, as small models on a
 * structured source do) still has one point per budget. On any other design it is the lower convex
 * hull of log loss against log compute, cut at its lowest loss (the robust form of Gemstones). Rows
 * of one (N, D) cell (seed replicates, duplicates) enter through the cell's lowest loss, and the
 * bootstrap draws cells, so a table of many replicates costs what its cells cost.
 */
final class EnvelopeApproach implements Approach {
  /** Fewest points on the hull for a line through them. */
  static final int MIN_HULL = 3;

  @Override
  public Allocation estimate(ApproachKind kind, Study s) {
    long t0 = System.nanoTime();
    // Rows of one (N, D) cell share their compute, so only a cell's lowest loss can be on the
    // frontier: the frontier of all rows is the frontier of the cells' lowest rows, and the
    // bootstrap draws cells (each with all its rows, as the laws' bootstrap does), so it works on
    // as many candidates as there are cells however many replicates a table has.
    int[] best = cellMinima(s);
    int n = best.length;
    List<Budget> profiles = profiles(s);
    int[] hull = frontier(s, profiles, best);
    if (hull.length < MIN_HULL) {
      throw new NotApplicable(
          String.format(
              Locale.ROOT,
              profiles == null
                  ? "the lower convex hull of loss against compute has %d points, need %d"
                  : "the budgets' lowest losses fall with compute at %d budgets, need %d",
              hull.length,
              MIN_HULL));
    }
    double[][] lines = lines(s, hull);
    if (lines == null) {
      throw new NotApplicable("the runs on the lower convex hull share one compute");
    }
    Interval ciA = null;
    Interval ciB = null;
    int resamples = s.options().bootstrap();
    if (resamples > 0) {
      double[][] draws =
          IntStream.range(0, resamples)
              .parallel()
              .mapToObj(
                  k -> {
                    SplittableRandom rng =
                        new SplittableRandom(Seeds.mix(s.options().seed() ^ Seeds.mix(k + 11L)));
                    int[] pick = new int[n];
                    for (int i = 0; i < n; i++) {
                      pick[i] = best[rng.nextInt(n)];
                    }
                    int[] h = frontier(s, profiles, pick);
                    double[][] l = h.length < MIN_HULL ? null : lines(s, h);
                    return l == null
                        ? new double[] {Double.NaN, Double.NaN}
                        : new double[] {l[0][1], l[1][1]};
                  })
              .toArray(double[][]::new);
      double level = s.options().ciLevel();
      ciA = Quantiles.percentile(Arrays.stream(draws).mapToDouble(d -> d[0]).toArray(), level);
      ciB = Quantiles.percentile(Arrays.stream(draws).mapToDouble(d -> d[1]).toArray(), level);
    }
    List<Allocation.FrontierPoint> frontier = new ArrayList<>();
    for (int i : hull) {
      ScalingPoint p = s.points().get(i);
      frontier.add(new Allocation.FrontierPoint(s.compute(i), p.n(), p.d(), p.loss()));
    }
    return new Allocation(
        kind,
        lines[0][1],
        lines[1][1],
        Math.pow(10, lines[0][0]),
        Math.pow(10, lines[1][0]),
        ciA,
        ciB,
        s.targetCompute(),
        frontier,
        List.of(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * Each (N, D) cell's row of lowest loss (the first such row on ties), in order of first
   * appearance: the only rows of a cell the frontier can hold.
   */
  static int[] cellMinima(Study s) {
    Map<List<Double>, Integer> best = new LinkedHashMap<>();
    for (int i = 0; i < s.points().size(); i++) {
      ScalingPoint p = s.points().get(i);
      int row = i;
      best.merge(
          List.of(p.n(), p.d()),
          row,
          (a, b) -> s.points().get(b).loss() < s.points().get(a).loss() ? b : a);
    }
    return best.values().stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The study's IsoFLOP profiles when there are at least {@link #MIN_HULL} of them; else null (not
   * an IsoFLOP design).
   */
  static List<Budget> profiles(Study s) {
    List<Budget> out = s.profiles();
    return out.size() >= MIN_HULL ? out : null;
  }

  /** The frontier's rows among {@code rows} (repeats allowed), in increasing compute. */
  static int[] frontier(Study s, List<Budget> profiles, int[] rows) {
    return profiles == null ? hull(s, rows) : budgetMinima(s, profiles, rows);
  }

  /**
   * Each profile's lowest-loss row among {@code rows}, in increasing compute, kept while the loss
   * keeps falling (a budget whose best run is no better than a smaller budget's is off the
   * frontier).
   */
  static int[] budgetMinima(Study s, List<Budget> profiles, int[] rows) {
    Set<Integer> picked = new HashSet<>();
    for (int i : rows) {
      picked.add(i);
    }
    List<Integer> out = new ArrayList<>();
    double best = Double.POSITIVE_INFINITY;
    for (Budget b : profiles) {
      int argmin = -1;
      for (int i : b.rows()) {
        if (picked.contains(i)
            && (argmin < 0 || s.points().get(i).loss() < s.points().get(argmin).loss())) {
          argmin = i;
        }
      }
      if (argmin >= 0 && s.points().get(argmin).loss() < best) {
        out.add(argmin);
        best = s.points().get(argmin).loss();
      }
    }
    return out.stream().mapToInt(i -> i).toArray();
  }

  /** Lines of log10 N and log10 D on log10 C through the hull's runs; null when C is constant. */
  private static double[][] lines(Study s, int[] hull) {
    double[] lc = Arrays.stream(hull).mapToDouble(i -> Math.log10(s.compute(i))).toArray();
    double[] ln = Arrays.stream(hull).mapToDouble(i -> Math.log10(s.points().get(i).n())).toArray();
    double[] ld = Arrays.stream(hull).mapToDouble(i -> Math.log10(s.points().get(i).d())).toArray();
    double[] a = Regression.line(lc, ln);
    double[] b = Regression.line(lc, ld);
    return a == null || b == null ? null : new double[][] {a, b};
  }

  /**
   * Rows on the lower convex hull of (log C, log loss), from the smallest compute to the lowest
   * loss; repeated rows count once.
   */
  static int[] hull(Study s, int[] rows) {
    int[] order =
        Arrays.stream(rows)
            .distinct()
            .boxed()
            .sorted(
                (i, j) -> {
                  int c = Double.compare(s.compute(i), s.compute(j));
                  return c != 0
                      ? c
                      : Double.compare(s.points().get(i).loss(), s.points().get(j).loss());
                })
            .mapToInt(i -> i)
            .toArray();
    List<Integer> h = new ArrayList<>();
    for (int i : order) {
      double x = Math.log(s.compute(i));
      double y = Math.log(s.points().get(i).loss());
      if (!h.isEmpty() && Math.abs(Math.log(s.compute(h.get(h.size() - 1))) - x) < 1e-12) {
        continue; // same compute, higher loss
      }
      while (h.size() >= 2) {
        int p = h.get(h.size() - 2);
        int q = h.get(h.size() - 1);
        double x1 = Math.log(s.compute(p));
        double y1 = Math.log(s.points().get(p).loss());
        double x2 = Math.log(s.compute(q));
        double y2 = Math.log(s.points().get(q).loss());
        double cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1);
        if (cross <= 0) {
          h.remove(h.size() - 1);
        } else {
          break;
        }
      }
      h.add(i);
    }
    int lowest = 0;
    for (int k = 1; k < h.size(); k++) {
      if (s.points().get(h.get(k)).loss() < s.points().get(h.get(lowest)).loss()) {
        lowest = k;
      }
    }
    return h.subList(0, lowest + 1).stream().mapToInt(i -> i).toArray();
  }
}
