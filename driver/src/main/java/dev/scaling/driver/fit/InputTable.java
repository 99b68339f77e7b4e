package dev.scaling.driver.fit;

import dev.scaling.driver.report.TrialPoint;
import java.util.List;

/**
 * The rows of an input table that enter the fit, and what was left out and why.
 *
 * @param rows rows used
 * @param notes one sentence per kind of excluded or dropped row, empty when none
 */
public record InputTable(List<TrialPoint> rows, List<String> notes) {
  public InputTable {
    rows = List.copyOf(rows);
    notes = List.copyOf(notes);
  }
}
