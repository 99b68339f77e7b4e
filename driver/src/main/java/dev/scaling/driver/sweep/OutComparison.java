package dev.scaling.driver.sweep;

import dev.scaling.common.spec.SweepSpec;
import dev.scaling.driver.io.SpecDiff;
import dev.scaling.driver.io.SweepFiles;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * What an OUT folder holds compared with a spec: no run yet, the same sweep, the same sweep with
 * another grid, or another sweep. The one same-sweep check: {@code run} refuses another sweep
 * (unless started over) and {@code plan --power} measures noise only in a run of the same sweep.
 *
 * @param previousExists whether OUT holds a {@code spec.yaml}
 * @param differences the differing fields, {@code path: old -> new}, empty when the same or none
 */
public record OutComparison(boolean previousExists, List<String> differences) {
  public OutComparison {
    differences = List.copyOf(differences);
  }

  /** Compares {@code OUT/spec.yaml} (if any) with {@code sweep}. */
  public static OutComparison of(String outDir, SweepSpec sweep, Configuration hadoop)
      throws IOException {
    String previous = SweepFiles.readTextIfExists(outDir + "/spec.yaml", hadoop);
    if (previous == null) {
      return new OutComparison(false, List.of());
    }
    SweepSpec before = SweepLoader.parse(previous, hadoop);
    return new OutComparison(true, SpecDiff.diff(before, sweep));
  }

  /** Whether OUT holds a run of exactly this sweep. */
  public boolean same() {
    return previousExists && differences.isEmpty();
  }

  /** Whether only the grid differs (an extension of the same sweep); false when nothing differs. */
  public boolean gridOnly() {
    return !differences.isEmpty() && differences.stream().allMatch(d -> d.startsWith("grid."));
  }

  /** The differences outside the grid: empty when OUT holds this sweep, whatever its grid. */
  public List<String> beyondGrid() {
    return differences.stream().filter(d -> !d.startsWith("grid.")).toList();
  }
}
