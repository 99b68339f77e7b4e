/**
 * {@code ./sweep fit}: reads a table of (N, D, loss) rows (optionally with a compute column) from
 * CSV or Parquet, fits the laws, estimates the compute-optimal allocation by each approach, writes
 * {@code OUT/fits} as Parquet and {@code OUT/report}, and prints a summary (and JSON with --json).
 */
package dev.scaling.driver.fit;
