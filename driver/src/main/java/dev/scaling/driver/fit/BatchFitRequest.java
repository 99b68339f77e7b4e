package dev.scaling.driver.fit;

import dev.scaling.common.batch.BatchFitOptions;
import dev.scaling.common.spec.InvariantViolation;
import java.util.List;

/**
 * What {@link BatchFitService} fits: a steps-to-target table, the bootstrap options and the target
 * losses to fit ({@code --targets}; empty means every target of the table).
 *
 * @param table the table read
 * @param options the bootstrap of every fit
 * @param targets the targets to keep, each one of the table's; empty for all
 */
public record BatchFitRequest(StepsTable table, BatchFitOptions options, List<Double> targets) {
  public BatchFitRequest {
    InvariantViolation.check(
        table != null && options != null, "a batch fit request needs a table and options");
    targets = targets == null ? List.of() : List.copyOf(targets);
  }
}
