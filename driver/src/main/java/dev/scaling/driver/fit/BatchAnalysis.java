package dev.scaling.driver.fit;

import dev.scaling.common.batch.BcritLawFit;
import dev.scaling.common.batch.CriticalBatch;
import dev.scaling.common.batch.KaplanSFit;
import java.util.List;

/**
 * The batch-size analysis of a steps-to-target table, before anything is written: the fit of S =
 * S_min + E_min / B per (group, target), the B_crit(L) laws across targets, L(N, S_min) where N is
 * known, and what could not be fitted (with why).
 *
 * @param groupColumn the group column's name (e.g. {@code model}), null when the table has none
 * @param batchColumn the batch column's name (its unit is B_crit's)
 * @param fits one per (group, target), groups and targets in the table's order
 * @param bcritLaws B_crit(L) per group with 2 or more targets, then pooled over the groups (group
 *     null) when there are 2 or more groups and targets
 * @param kaplanS L(N, S_min) over every fit, null when not fitted
 * @param notFitted one line per law asked for that was not fitted, saying why
 * @param notes caveats of fits that were made, e.g. a B_crit outside the batch sizes measured
 */
public record BatchAnalysis(
    String groupColumn,
    String batchColumn,
    List<CriticalBatch> fits,
    List<GroupLaw> bcritLaws,
    KaplanSFit kaplanS,
    List<String> notFitted,
    List<String> notes) {
  public BatchAnalysis {
    fits = List.copyOf(fits);
    bcritLaws = List.copyOf(bcritLaws);
    notFitted = List.copyOf(notFitted);
    notes = List.copyOf(notes);
  }

  /**
   * A B_crit(L) law of one group, or pooled over groups.
   *
   * @param group the group, or null for the law pooled over every group
   * @param law the fit
   */
  public record GroupLaw(String group, BcritLawFit law) {}
}
