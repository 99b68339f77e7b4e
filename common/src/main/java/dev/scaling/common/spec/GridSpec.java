package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import java.io.Serializable;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;

/**
 * The axes of the sweep: every combination of width x depth x tokens x learning rate x batch size x
 * seed is one trial. With {@code isoflop} instead of {@code tokens}, width x depth is a shape
 * ladder from which the planner picks each budget's models and sets their tokens (see {@link
 * IsoflopSpec}).
 *
 * @param width model widths (d_model)
 * @param depth numbers of transformer blocks
 * @param tokens training tokens D per trial; empty when {@code isoflop} is given
 * @param learningRate peak learning rates to try per grid point; empty means training.learning_rate
 * @param batchSize batch sizes (sequences per optimizer step) to try per grid point; empty means
 *     training.batch_size
 * @param seeds replica seeds (each trial's own seed is derived from the sweep seed and these)
 * @param isoflop planning by compute budget, or null for the full width x depth x tokens grid
 */
public record GridSpec(
    List<Integer> width,
    List<Integer> depth,
    List<Long> tokens,
    List<Double> learningRate,
    List<Integer> batchSize,
    List<Integer> seeds,
    IsoflopSpec isoflop)
    implements Serializable {
  public GridSpec {
    boolean noTokens = tokens == null || tokens.isEmpty();
    require(
        isoflop == null || noTokens,
        "grid.tokens",
        "absent when grid.isoflop is given (each budget sets its models' tokens)",
        tokens);
    require(
        isoflop != null || !noTokens,
        "grid.tokens",
        "a non-empty list (or grid.isoflop instead)",
        tokens);
    learningRate =
        learningRate == null || learningRate.isEmpty()
            ? List.of()
            : checked("grid.learning_rate", learningRate);
    for (int i = 0; i < learningRate.size(); i++) {
      double lr = learningRate.get(i);
      require(Double.isFinite(lr) && lr > 0, "grid.learning_rate[" + i + "]", "positive", lr);
    }
    batchSize =
        batchSize == null || batchSize.isEmpty()
            ? List.of()
            : checked("grid.batch_size", batchSize);
    for (int i = 0; i < batchSize.size(); i++) {
      require(batchSize.get(i) > 0, "grid.batch_size[" + i + "]", "positive", batchSize.get(i));
    }
    width = checked("grid.width", width);
    depth = checked("grid.depth", depth);
    tokens = isoflop != null ? List.of() : checked("grid.tokens", tokens);
    seeds = checked("grid.seeds", seeds);
    for (int i = 0; i < width.size(); i++) {
      require(width.get(i) > 0, "grid.width[" + i + "]", "positive", width.get(i));
    }
    for (int i = 0; i < depth.size(); i++) {
      require(depth.get(i) > 0, "grid.depth[" + i + "]", "positive", depth.get(i));
    }
    for (int i = 0; i < tokens.size(); i++) {
      require(tokens.get(i) > 0, "grid.tokens[" + i + "]", "positive", tokens.get(i));
    }
  }

  /**
   * The grid without a batch-size axis (every trial at {@code training.batch_size}): the form every
   * grid had before batch sizes became an axis.
   */
  public GridSpec(
      List<Integer> width,
      List<Integer> depth,
      List<Long> tokens,
      List<Double> learningRate,
      List<Integer> seeds,
      IsoflopSpec isoflop) {
    this(width, depth, tokens, learningRate, List.of(), seeds, isoflop);
  }

  /** This grid with the batch-size axis {@code sizes} (empty: none), every other axis kept. */
  public GridSpec withBatchSize(List<Integer> sizes) {
    return new GridSpec(width, depth, tokens, learningRate, sizes, seeds, isoflop);
  }

  /** Whether the grid has a batch-size axis ({@code grid.batch_size}). */
  public boolean hasBatchAxis() {
    return !batchSize.isEmpty();
  }

  /**
   * The batch sizes the trials train at, in grid order: the axis, or {@code single} (the spec's
   * {@code training.batch_size}) when the grid has none.
   */
  public List<Integer> batchSizes(int single) {
    return hasBatchAxis() ? batchSize : List.of(single);
  }

  /** The largest batch size of the trials: the axis's largest, or {@code single} without one. */
  public int largestBatchSize(int single) {
    return Collections.max(batchSizes(single));
  }

  /**
   * Number of trials the grid expands to; for an isoflop grid, the most it can (budgets x models x
   * learning rates x batch sizes x seeds: a budget whose ladder gives two targets one shape plans
   * it once). Computed in {@code long}, and {@link Long#MAX_VALUE} when even that overflows, so a
   * huge grid is never mistaken for a small one ({@link TrialLimit} refuses it).
   */
  public long size() {
    long points =
        isoflop != null
            ? times(isoflop.budgets().size(), isoflop.models())
            : times(times(width.size(), depth.size()), tokens.size());
    long perPoint = times(Math.max(1, learningRate.size()), Math.max(1, batchSize.size()));
    return times(times(points, perPoint), seeds.size());
  }

  private static long times(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static <T> List<T> checked(String field, List<T> values) {
    require(values != null && !values.isEmpty(), field, "a non-empty list", values);
    var seen = new HashSet<T>();
    for (int i = 0; i < values.size(); i++) {
      require(values.get(i) != null, field + "[" + i + "]", "a number", null);
      require(
          seen.add(values.get(i)),
          field + "[" + i + "]",
          "distinct from earlier values",
          values.get(i));
    }
    return List.copyOf(values);
  }
}
