/**
 * {@code ./sweep fit}: reads a table of (N, D, loss) rows (optionally with a compute column) from
 * CSV or Parquet, fits the laws, estimates the compute-optimal allocation by each approach, writes
 * {@code OUT/fits} as Parquet and {@code OUT/report}, and prints a summary (and JSON with --json).
 * With {@code --curves} it reads learning curves instead ({@link
 * dev.scaling.driver.fit.CurvesTableReader}), fits or evaluates a whole-curve law on some runs and
 * predicts others ({@link dev.scaling.driver.fit.CurveFitService}), and writes {@code
 * OUT/curve_fits}, {@code OUT/curve_predictions} ({@link dev.scaling.driver.fit.CurveTables}) and
 * {@code OUT/report/curves.html}. With {@code --form batch} it reads a steps-to-target table
 * ({@link dev.scaling.driver.fit.StepsTable}) and fits the critical batch per (group, target), the
 * B_crit(L) law and L(N, S_min) ({@link dev.scaling.driver.fit.BatchFitService}), writing {@code
 * OUT/fits}.
 */
package dev.scaling.driver.fit;
