package dev.scaling.common.fit;

import dev.scaling.common.trial.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Chinchilla's approach 1 in the robust form of Gemstones: the lower convex hull of log loss
 * against log compute over every run's final point, cut at its lowest loss (the lowest loss reached
 * at each compute), then lines of log N and log D of the runs on it against log C. Intervals come
 * from a bootstrap over runs.
 */
final class EnvelopeApproach implements Approach {
  /** Fewest points on the hull for a line through them. */
  static final int MIN_HULL = 3;

  @Override
  public Allocation estimate(ApproachKind kind, Study s) {
    long t0 = System.nanoTime();
    int n = s.points().size();
    int[] all = IntStream.range(0, n).toArray();
    int[] hull = hull(s, all);
    if (hull.length < MIN_HULL) {
      throw new NotApplicable(
          String.format(
              Locale.ROOT,
              "the lower convex hull of loss against compute has %d points, need %d",
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
                      pick[i] = rng.nextInt(n);
                    }
                    int[] h = hull(s, pick);
                    double[][] l = h.length < MIN_HULL ? null : lines(s, h);
                    return l == null
                        ? new double[] {Double.NaN, Double.NaN}
                        : new double[] {l[0][1], l[1][1]};
                  })
              .toArray(double[][]::new);
      double level = s.options().ciLevel();
      ciA = Regression.percentile(Arrays.stream(draws).mapToDouble(d -> d[0]).toArray(), level);
      ciB = Regression.percentile(Arrays.stream(draws).mapToDouble(d -> d[1]).toArray(), level);
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
