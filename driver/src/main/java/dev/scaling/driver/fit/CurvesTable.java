package dev.scaling.driver.fit;

import dev.scaling.common.curve.Curve;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The learning curves of a curves table, one {@link Curve} per run in the table's order, with what
 * was read: the source, its layout, the loss column used and notes on how curves were assembled.
 *
 * @param source the table as given on the command line (after OUT was resolved to OUT/curves)
 * @param layout whether the table was a plain curves table or a sweep's {@code OUT/curves}
 * @param lossColumn the column the losses came from
 * @param curves one per run, in order of first appearance (a sweep's trunks and branches as
 *     assembled)
 * @param notes one sentence per thing a reader of the results should know (e.g. a branch whose
 *     trunk is not in the table), empty when none
 */
public record CurvesTable(
    String source, Layout layout, String lossColumn, List<Curve> curves, List<String> notes) {

  /** How the table names its runs. */
  public enum Layout {
    /** Columns run, step, lr, loss (or renamed); every run's rows are its whole curve. */
    TABLE,
    /**
     * A sweep's {@code OUT/curves}: runs are trial ids, and a branch of a trunk stores only its
     * rows after the fork, so its curve is the trunk's rows before its first step plus its own.
     */
    SWEEP
  }

  public CurvesTable {
    curves = List.copyOf(curves);
    notes = List.copyOf(notes);
    Map<String, Curve> seen = new LinkedHashMap<>();
    for (Curve c : curves) {
      if (seen.put(c.run(), c) != null) {
        throw new IllegalArgumentException("run " + c.run() + " appears twice in " + source);
      }
    }
  }

  /** The run names, in table order. */
  public List<String> runs() {
    List<String> names = new ArrayList<>(curves.size());
    for (Curve c : curves) {
      names.add(c.run());
    }
    return names;
  }

  /** The curve of {@code run}, or null when the table has no such run. */
  public Curve curve(String run) {
    for (Curve c : curves) {
      if (c.run().equals(run)) {
        return c;
      }
    }
    return null;
  }
}
