/**
 * The batch-size study at the end of {@code ./sweep run} (issue #23): the finished trials grouped
 * into models that differ only in batch size ({@link dev.scaling.driver.batch.BatchModels}), steps
 * to target losses and S = S_min + E_min / B per model and target, B_crit(L), the measured noise
 * scale beside B_crit, L(N, S_min) and the compute frontier in C_min ({@link
 * dev.scaling.driver.batch.BatchStudy}, a {@link dev.scaling.driver.fit.SideFit}), and the report's
 * "Batch size" section ({@link dev.scaling.driver.batch.BatchSection}). The fits themselves are
 * {@code dev.scaling.common.batch}'s.
 */
package dev.scaling.driver.batch;
