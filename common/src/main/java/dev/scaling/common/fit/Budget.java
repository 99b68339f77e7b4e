package dev.scaling.common.fit;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.IsoflopSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One compute budget of an IsoFLOP study: the rows trained with about the same compute. Rows are
 * grouped when their compute lies within {@link #TOLERANCE} of one centre (a planner's points may
 * be up to 5% either side of their budget), that is when the group's largest compute is at most
 * 1.05/0.95 times its smallest.
 *
 * @param compute the budget in FLOPs: the geometric mean of its rows' compute
 * @param rows indices of its rows in the study's table, in increasing N
 */
public record Budget(double compute, List<Integer> rows) {
  /**
   * Rows whose compute is within this relative distance of a common centre share a budget: the
   * planner's own tolerance, so every point it plans for a budget groups back into that budget.
   */
  public static final double TOLERANCE = IsoflopSpec.TOLERANCE;

  /** The largest ratio of compute within one budget: (1 + TOLERANCE) / (1 - TOLERANCE). */
  static final double SPAN = (1 + TOLERANCE) / (1 - TOLERANCE);

  public Budget {
    InvariantViolation.check(
        compute > 0 && Double.isFinite(compute), "budget compute must be positive: " + compute);
    InvariantViolation.check(rows != null && !rows.isEmpty(), "a budget needs rows");
    rows = List.copyOf(rows);
  }

  /**
   * Groups rows by compute: sorted by compute, a row joins the current group while its compute is
   * at most {@link #SPAN} times the group's smallest (all within 5% of one centre); each group's
   * rows are sorted by N.
   */
  public static List<Budget> group(double[] compute, List<ScalingPoint> points) {
    Integer[] order = IntStream.range(0, compute.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> compute[i]));
    List<Budget> out = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    double first = Double.NaN;
    for (int i : order) {
      if (!current.isEmpty() && compute[i] > first * SPAN * (1 + 1e-12)) {
        out.add(of(current, compute, points));
        current = new ArrayList<>();
      }
      if (current.isEmpty()) {
        first = compute[i];
      }
      current.add(i);
    }
    if (!current.isEmpty()) {
      out.add(of(current, compute, points));
    }
    return out;
  }

  private static Budget of(List<Integer> rows, double[] compute, List<ScalingPoint> points) {
    double logMean = rows.stream().mapToDouble(i -> Math.log(compute[i])).average().orElseThrow();
    List<Integer> sorted =
        rows.stream().sorted(Comparator.comparingDouble(i -> points.get(i).n())).toList();
    return new Budget(Math.exp(logMean), sorted);
  }

  /** Distinct model sizes (to 1e-6 in log N) among this budget's rows. */
  public int distinctN(List<ScalingPoint> points) {
    return Identifiability.distinct(
        rows.stream().mapToDouble(i -> Math.log(points.get(i).n())).toArray());
  }
}
