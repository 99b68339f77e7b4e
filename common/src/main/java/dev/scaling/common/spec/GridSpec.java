package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;

/**
 * The axes of the sweep: every combination of width x depth x tokens x learning rate x seed is one
 * trial.
 *
 * @param width model widths (d_model)
 * @param depth numbers of transformer blocks
 * @param tokens training tokens D per trial
 * @param learningRate peak learning rates to try per grid point; empty means training.learning_rate
 * @param seeds replica seeds (each trial's own seed is derived from the sweep seed and these)
 */
public record GridSpec(
    List<Integer> width,
    List<Integer> depth,
    List<Long> tokens,
    List<Double> learningRate,
    List<Integer> seeds)
    implements Serializable {
  public GridSpec {
    learningRate =
        learningRate == null || learningRate.isEmpty()
            ? List.of()
            : checked("grid.learning_rate", learningRate);
    for (int i = 0; i < learningRate.size(); i++) {
      double lr = learningRate.get(i);
      require(Double.isFinite(lr) && lr > 0, "grid.learning_rate[" + i + "]", "positive", lr);
    }
    width = checked("grid.width", width);
    depth = checked("grid.depth", depth);
    tokens = checked("grid.tokens", tokens);
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

  /** Number of trials the grid expands to. */
  public int size() {
    return width.size()
        * depth.size()
        * tokens.size()
        * Math.max(1, learningRate.size())
        * seeds.size();
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
