package dev.scaling.driver.fit;

import dev.scaling.driver.report.TrialPoint;
import java.util.List;

/**
 * The rows of an input table that enter the fit, what was left out and why, and each row's training
 * compute where a compute column was given.
 *
 * @param rows rows used
 * @param notes one sentence per kind of excluded or dropped row, empty when none
 * @param compute each row's compute C from the compute column, parallel to {@code rows}; empty when
 *     no compute column was given (C is then 6ND)
 */
public record InputTable(List<TrialPoint> rows, List<String> notes, List<Double> compute) {
  public InputTable {
    rows = List.copyOf(rows);
    notes = List.copyOf(notes);
    compute = List.copyOf(compute);
  }

  /** A table without a compute column. */
  public InputTable(List<TrialPoint> rows, List<String> notes) {
    this(rows, notes, List.of());
  }

  /** The compute column, or null when none was given. */
  public List<Double> computeOrNull() {
    return compute.isEmpty() ? null : compute;
  }
}
