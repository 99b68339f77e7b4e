package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;

/**
 * Planning by compute budget ({@code grid.isoflop}, in place of {@code grid.tokens}): for each
 * budget C the planner picks {@code models} shapes of the grid's width x depth ladder whose N are
 * spread evenly in log N over {@code span}, centred on N0 = sqrt(C / (6 · tokensPerParam)), and
 * trains each on D = C / (6N) tokens, so every point of one budget costs the same 6ND (an IsoFLOP
 * profile, Chinchilla's approach 2).
 *
 * @param budgets training FLOPs per trial (6ND), one IsoFLOP profile each
 * @param models shapes per budget (at least {@link #MIN_MODELS}: a parabola in log N needs them)
 * @param span N_max / N_min within one budget (greater than 1)
 * @param tokensPerParam D / N at the expected optimum: where each budget's models are centred
 */
public record IsoflopSpec(List<Double> budgets, int models, double span, double tokensPerParam)
    implements Serializable {

  /** Fewest distinct N a budget may have: fewer cannot place a parabola's vertex with any check. */
  public static final int MIN_MODELS = 5;

  /** Largest allowed distance of a trial's 6ND from its budget, as a fraction of the budget. */
  public static final double TOLERANCE = 0.05;

  public IsoflopSpec {
    require(
        budgets != null && !budgets.isEmpty(), "grid.isoflop.budgets", "a non-empty list", budgets);
    var seen = new HashSet<Double>();
    for (int i = 0; i < budgets.size(); i++) {
      Double c = budgets.get(i);
      String field = "grid.isoflop.budgets[" + i + "]";
      require(c != null, field, "a number", null);
      require(Double.isFinite(c) && c > 0, field, "a positive number of FLOPs", c);
      require(seen.add(c), field, "distinct from earlier values", c);
    }
    budgets = List.copyOf(budgets);
    require(
        models >= MIN_MODELS,
        "grid.isoflop.models",
        "at least " + MIN_MODELS + " (a parabola in log N needs them)",
        models);
    require(Double.isFinite(span) && span > 1, "grid.isoflop.span", "greater than 1", span);
    require(
        Double.isFinite(tokensPerParam) && tokensPerParam > 0,
        "grid.isoflop.tokens_per_param",
        "positive",
        tokensPerParam);
  }

  /** The centre guess of budget {@code c}: N0 = sqrt(C / (6 · tokens_per_param)). */
  public double centre(double c) {
    return Math.sqrt(c / (6 * tokensPerParam));
  }
}
