package dev.scaling.driver.fit;

import dev.scaling.common.fit.AllocationStudy;
import dev.scaling.common.fit.ScalingAnalysis;
import java.util.List;

/**
 * A study fitted beside the scaling laws at the end of a sweep (the batch-size analysis, the
 * hyperparameter laws): its rows join the fits table, its section the report, and its summary the
 * printed one. Built on the driver's main thread before the report is written; it does no I/O of
 * its own.
 */
public interface SideFit {
  /** Its rows of {@code OUT/fits} (each with its own form), in the order they should appear. */
  List<FitsTable.Row> rows();

  /** Its section of {@code OUT/report/index.html}: an {@code <h2>} and what follows it. */
  String html();

  /** Lines added to the printed summary (each ending without a newline); may be empty. */
  List<String> summary();

  /**
   * This study as shown beside the laws the same run fitted (e.g. the batch study's compute
   * frontier next to the L(N, D)-based allocation exponent); called once the laws are fitted and
   * before {@link #rows}, {@link #html} and {@link #summary}. The default shows nothing of them.
   *
   * @param analysis the fitted laws
   * @param allocations the compute-optimal allocation by each approach
   */
  default SideFit beside(ScalingAnalysis analysis, AllocationStudy allocations) {
    return this;
  }
}
