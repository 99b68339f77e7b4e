package dev.scaling.common.hparams;

import dev.scaling.common.spec.InvariantViolation;
import java.util.List;

/**
 * The runs of one (N, D) cell and those kept as optimal: every run whose rank loss (smoothed when
 * given) is at most the best x (1 + tolerance).
 *
 * @param runs every run of the cell, in input order
 * @param kept the optimal runs, in input order
 * @param best the run with the lowest rank loss (the first of ties)
 */
public record HparamsCell(
    double n, double d, List<HparamsRun> runs, List<HparamsRun> kept, HparamsRun best) {
  public HparamsCell {
    runs = List.copyOf(runs);
    kept = List.copyOf(kept);
    InvariantViolation.check(
        !kept.isEmpty() && runs.containsAll(kept) && kept.contains(best),
        "a cell keeps at least its best run, among its own runs");
  }
}
