package dev.scaling.driver.plan;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.IsoflopSpec;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.trial.Trial;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every trial of a sweep in the order they are handed to Spark: descending estimated cost, so the
 * biggest trials start first and the cluster's tail is short (longest processing time first).
 *
 * @param spec the sweep as parsed
 * @param trials the trials, most expensive first, each id once (two grid points with one id would
 *     share one commit and one result row, so a plan refuses them)
 */
public record Plan(SweepSpec spec, List<Trial> trials) {

  /**
   * Throughput assumed by the plan's time estimate before any trial has run, in 6ND FLOP/s per
   * slot: what one CPU core reached on the quickstart's models (attention, embeddings and the
   * output layer make small models cost more than 6ND, so this is well below the core's matmul
   * peak).
   */
  public static final double DEFAULT_FLOPS_PER_SLOT = 1.0e9;

  public Plan {
    if (trials == null || trials.isEmpty()) {
      throw new IllegalArgumentException("a plan must hold at least one trial, found none");
    }
    trials = List.copyOf(trials);
    Map<String, Trial> byId = new HashMap<>();
    for (Trial t : trials) {
      Trial earlier = byId.putIfAbsent(t.trialId(), t);
      if (earlier != null) {
        throw new InvariantViolation(
            "two grid points of the plan have one trial id "
                + t.trialId()
                + ": "
                + gridPoint(earlier)
                + " and "
                + gridPoint(t)
                + "; the id must hash every field that tells them apart");
      }
    }
  }

  /** A trial's place in the grid, for messages. */
  static String gridPoint(Trial t) {
    return String.format(
        Locale.ROOT,
        "(sweep %s: width %d, depth %d, tokens %d, learning_rate %s, seed %d)",
        t.sweepName(),
        t.width(),
        t.depth(),
        t.tokens(),
        t.training().learningRate(),
        t.replica());
  }

  /** Each trial's position in the plan, by trial id, for putting outcomes back in plan order. */
  public Map<String, Integer> positions() {
    Map<String, Integer> positions = new HashMap<>();
    for (int i = 0; i < trials.size(); i++) {
      positions.put(trials.get(i).trialId(), i);
    }
    return positions;
  }

  /** Sum of 6ND over all trials. */
  public double totalFlops() {
    return trials.stream().mapToDouble(Trial::flops).sum();
  }

  /** Largest single-trial cost: no schedule can finish before it. */
  public double maxTrialFlops() {
    return trials.stream().mapToDouble(Trial::flops).max().orElse(0);
  }

  /**
   * Lower bound on the wall time with {@code slots} concurrent trials at {@code flopsPerSlot} each:
   * max(total / slots, biggest trial).
   */
  public double estimatedSeconds(int slots, double flopsPerSlot) {
    return Math.max(totalFlops() / slots, maxTrialFlops()) / flopsPerSlot;
  }

  /** The human-readable plan printed before training starts. */
  public String describe(int slots) {
    return describe(slots, estimatedSeconds(slots, DEFAULT_FLOPS_PER_SLOT), null);
  }

  /**
   * The plan with a time estimate made elsewhere (a timed probe), {@code basis} saying how (null:
   * nothing added).
   */
  public String describe(int slots, double estimatedSeconds, String basis) {
    StringBuilder sb = new StringBuilder();
    IsoflopSpec iso = spec.grid().isoflop();
    String axes =
        iso == null
            ? String.format(
                Locale.ROOT,
                "%d widths x %d depths x %d token counts",
                spec.grid().width().size(),
                spec.grid().depth().size(),
                spec.grid().tokens().size())
            : String.format(
                Locale.ROOT, "%d budgets x %s models", iso.budgets().size(), modelCounts(iso));
    sb.append(
        String.format(
            Locale.ROOT,
            "Plan for sweep '%s': %d trials (%s x %d learning rates x %d seeds),"
                + " %.3g FLOPs (6ND),"
                + " estimated %s on %s%n",
            spec.name(),
            trials.size(),
            axes,
            Math.max(1, spec.grid().learningRate().size()),
            spec.grid().seeds().size(),
            totalFlops(),
            Durations.format(estimatedSeconds),
            slots + " slot(s)" + (basis == null ? "" : " (" + basis + ")")));
    List<Trunk> trunks = Trunks.of(trials);
    if (!trunks.isEmpty()) {
      sb.append(Trunks.describe(trunks));
    }
    if (iso != null) {
      for (double c : iso.budgets()) {
        List<Trial> of = ofBudget(c);
        sb.append(
            String.format(
                Locale.ROOT,
                "  budget %.3g: %d models, N %d to %d (centre guess %.3g), 6ND %.3f to %.3f of"
                    + " the budget%n",
                c,
                of.stream().map(Trial::nParams).distinct().count(),
                of.stream().mapToLong(Trial::nParams).min().orElse(0),
                of.stream().mapToLong(Trial::nParams).max().orElse(0),
                iso.centre(c),
                of.stream().mapToDouble(t -> t.flops() / c).min().orElse(0),
                of.stream().mapToDouble(t -> t.flops() / c).max().orElse(0)));
      }
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-16s %6s %5s %5s %12s %12s %10s %8s %10s %9s",
            "trial_id",
            "width",
            "depth",
            "heads",
            "n_params",
            "tokens",
            "flops",
            "D/N",
            "steps",
            "lr"));
    sb.append(iso == null ? "" : String.format(Locale.ROOT, " %10s %6s", "budget", "share"));
    sb.append(System.lineSeparator());
    for (Trial t : trials) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-16s %6d %5d %5d %12d %12d %10.3g %8.2f %10d %9.3g",
              t.trialId(),
              t.width(),
              t.depth(),
              t.heads(),
              t.nParams(),
              t.tokens(),
              t.flops(),
              t.tokensPerParam(),
              t.steps(),
              t.training().learningRate()));
      if (t.budget() != null) {
        sb.append(String.format(Locale.ROOT, " %10.3g %6.3f", t.budget(), t.flops() / t.budget()));
      }
      sb.append(System.lineSeparator());
    }
    return sb.toString();
  }

  /** The trials planned for IsoFLOP budget {@code c}, in plan order. */
  public List<Trial> ofBudget(double c) {
    return trials.stream().filter(t -> t.budget() != null && t.budget() == c).toList();
  }

  /** "7" when every budget has that many models (distinct N), else "7/6/7". */
  private String modelCounts(IsoflopSpec iso) {
    List<Long> counts =
        iso.budgets().stream()
            .map(c -> ofBudget(c).stream().map(Trial::nParams).distinct().count())
            .toList();
    return counts.stream().distinct().count() == 1
        ? String.valueOf(counts.get(0))
        : String.join("/", counts.stream().map(String::valueOf).toList());
  }
}
