/**
 * {@code ./sweep fit}: reads a table of (N, D, loss) rows from CSV or Parquet, fits the laws,
 * writes {@code OUT/fits} as Parquet and {@code OUT/report}, and prints a summary (and JSON with
 * --json).
 */
package dev.scaling.driver.fit;
