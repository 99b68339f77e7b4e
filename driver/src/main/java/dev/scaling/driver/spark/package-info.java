/**
 * The Spark glue: the only code that sees both Spark and the DJL worker. One trial per task; a
 * {@link dev.scaling.driver.spark.TrialExecutor} trains a plan's pending trials (independently, or
 * as a trunk/branch task graph for wsd) and reports progress through one {@link
 * dev.scaling.driver.spark.ProgressMonitor} on the listener bus; the tasks commit outcomes, feed
 * the live page's accumulators and write the tables; the corpus preflight, tokenization and the
 * local time probe run the worker's code from here too.
 */
package dev.scaling.driver.spark;
