package dev.scaling.driver.plan;

import dev.scaling.common.spec.InvariantViolation;
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
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "Plan for sweep '%s': %d trials (%d widths x %d depths x %d token counts x %d learning rates x %d seeds),"
                + " %.3g FLOPs (6ND),"
                + " estimated %s on %d slot(s)%n",
            spec.name(),
            trials.size(),
            spec.grid().width().size(),
            spec.grid().depth().size(),
            spec.grid().tokens().size(),
            Math.max(1, spec.grid().learningRate().size()),
            spec.grid().seeds().size(),
            totalFlops(),
            Durations.format(estimatedSeconds(slots, DEFAULT_FLOPS_PER_SLOT)),
            slots));
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-16s %6s %5s %5s %12s %12s %10s %8s %10s %9s%n",
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
    for (Trial t : trials) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-16s %6d %5d %5d %12d %12d %10.3g %8.2f %10d %9.3g%n",
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
    }
    return sb.toString();
  }
}
