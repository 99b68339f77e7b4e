package dev.scaling.common.fit;

import dev.scaling.common.spec.InvariantViolation;
import java.util.Arrays;
import java.util.List;

/**
 * What every compute-optimal {@link Approach} reads: the final points of a table, each row's
 * training compute (given by a column, else 6ND), the budgets the rows group into, the laws fitted
 * to them (for the parametric approach), the fit options (bootstrap count, seed, level) and the
 * compute at which N_opt and D_opt are reported.
 *
 * @param points the rows, final points of their runs
 * @param compute each row's training compute in FLOPs, parallel to {@code points}
 * @param computeGiven whether {@code compute} came from a column rather than 6ND
 * @param budgets the rows grouped by compute within 5%
 * @param analysis the laws fitted to the same rows
 * @param targetCompute where N_opt and D_opt are reported
 */
public record Study(
    List<ScalingPoint> points,
    List<Double> compute,
    boolean computeGiven,
    List<Budget> budgets,
    ScalingAnalysis analysis,
    double targetCompute) {
  /** The target compute is this multiple of the largest budget (or largest compute). */
  public static final double TARGET_MULTIPLE = 10;

  public Study {
    points = List.copyOf(points);
    compute = List.copyOf(compute);
    budgets = List.copyOf(budgets);
    InvariantViolation.check(
        compute.size() == points.size(),
        "compute must have one value per row: " + compute.size() + " for " + points.size());
    InvariantViolation.check(analysis != null, "a study needs the fitted laws");
    InvariantViolation.check(
        targetCompute > 0, "target compute must be positive: " + targetCompute);
  }

  /**
   * The study of {@code analysis}'s rows: compute from {@code given} (one value per row) or 6ND
   * when null, budgets grouped within 5%, target 10x the largest budget with at least 3 distinct N,
   * else 10x the largest compute.
   */
  public static Study of(ScalingAnalysis analysis, List<Double> given) {
    List<ScalingPoint> pts = analysis.points();
    double[] c =
        given == null
            ? pts.stream().mapToDouble(ScalingPoint::compute).toArray()
            : given.stream().mapToDouble(Double::doubleValue).toArray();
    List<Budget> budgets = Budget.group(c, pts);
    double largest =
        profiles(budgets, pts).stream()
            .mapToDouble(Budget::compute)
            .max()
            .orElse(Arrays.stream(c).max().orElse(1));
    return new Study(
        pts,
        Arrays.stream(c).boxed().toList(),
        given != null,
        budgets,
        analysis,
        TARGET_MULTIPLE * largest);
  }

  /**
   * The budgets that are IsoFLOP profiles ({@link IsoFlopApproach#MIN_SIZES} or more distinct N),
   * in increasing compute.
   */
  public List<Budget> profiles() {
    return profiles(budgets, points);
  }

  private static List<Budget> profiles(List<Budget> budgets, List<ScalingPoint> pts) {
    return budgets.stream().filter(b -> b.distinctN(pts) >= IsoFlopApproach.MIN_SIZES).toList();
  }

  /** The options the laws were fitted with (bootstrap resamples, seed, interval level). */
  public FitOptions options() {
    return analysis.options();
  }

  /** Row {@code i}'s compute. */
  public double compute(int i) {
    return compute.get(i);
  }
}
