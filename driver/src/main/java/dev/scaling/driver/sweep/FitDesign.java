package dev.scaling.driver.sweep;

import dev.scaling.common.fit.Identifiability;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.common.trial.ConfigWalk;
import dev.scaling.common.trial.Trial;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.power.DesignRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A plan as the fit will see it, before any loss exists: one row per configuration without its
 * learning rate, the ranges of N, D and D/N, and the fit's own design warnings.
 */
public final class FitDesign {
  private FitDesign() {}

  /**
   * The rows the fit of this plan will see: one per configuration without its learning rate and
   * batch size (the fit keeps the lowest final loss over both), N the family's non-embedding count
   * (the {@code n_params} the fit reads) and D the trial's tokens.
   */
  public static List<DesignRow> rows(Plan plan) {
    Map<List<ConfigWalk.Leaf>, List<Trial>> groups = new LinkedHashMap<>();
    for (Trial t : plan.trials()) {
      groups
          .computeIfAbsent(SweepLaws.withoutLearningRateOrBatch(t), k -> new ArrayList<>())
          .add(t);
    }
    return groups.values().stream()
        .map(g -> new DesignRow(g.get(0).nParams(), g.get(0).tokens(), g.size()))
        .toList();
  }

  /** The fit's view of the design: ranges of N, D and D/N, and the compute. */
  public static String describe(List<DesignRow> rows) {
    double[] n = rows.stream().mapToDouble(DesignRow::n).toArray();
    double[] d = rows.stream().mapToDouble(DesignRow::d).toArray();
    double[] tpp = rows.stream().mapToDouble(r -> r.d() / r.n()).toArray();
    int copies = rows.stream().mapToInt(DesignRow::copies).max().orElse(1);
    StringBuilder warnings = new StringBuilder();
    // The fit's own design warnings depend on N and D alone, so they are known before any loss.
    Identifiability.check(rows.stream().map(r -> new ScalingPoint(r.n(), r.d(), 1)).toList())
        .forEach(w -> warnings.append("  the fit will warn: ").append(w.message()).append('\n'));
    return String.format(
            Locale.ROOT,
            "Fit design: %d rows (N = n_params, the family's non-embedding parameters; D = tokens%s):%n"
                + "  N %.4g to %.4g (%.2f decades, %d distinct), D %.4g to %.4g (%.2f decades, %d"
                + " distinct), D/N %.3g to %.3g; 6ND per row %.3g to %.3g, %.3g in total%n",
            rows.size(),
            copies > 1 ? "; the lowest loss of " + copies + " learning rates per row" : "",
            min(n),
            max(n),
            Math.log10(max(n) / min(n)),
            Arrays.stream(n).distinct().count(),
            min(d),
            max(d),
            Math.log10(max(d) / min(d)),
            Arrays.stream(d).distinct().count(),
            min(tpp),
            max(tpp),
            rows.stream().mapToDouble(DesignRow::flops).min().orElse(0),
            rows.stream().mapToDouble(DesignRow::flops).max().orElse(0),
            rows.stream().mapToDouble(DesignRow::flops).sum())
        + warnings;
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElse(Double.NaN);
  }
}
