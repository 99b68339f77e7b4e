/**
 * The sweep layer: the pipeline of a sweep as library calls with typed results, under the thin
 * commands. {@link dev.scaling.driver.sweep.SweepLoader} reads and plans a spec, {@link
 * dev.scaling.driver.sweep.ResumePolicy} decides what an existing OUT means (the same sweep, a grid
 * extension, another sweep) and which trials still train, {@link
 * dev.scaling.driver.sweep.SweepService} runs a whole sweep (Spark, tokenizing, estimate, training
 * through one {@link dev.scaling.driver.spark.TrialExecutor}, tables, fits) and {@link
 * dev.scaling.driver.sweep.PlanService} plans one and simulates its design power. Nothing here
 * parses a command line or imports the worker.
 */
package dev.scaling.driver.sweep;
