/**
 * The scale bench ({@code ./sweep bench --scale TRIALS --slots K}, issue #25): thousands of trials
 * on hundreds of task slots of a real multi-process standalone cluster on 127.0.0.1, each a real
 * Spark task through the real task path whose training is replaced by a calibrated stand-in ({@link
 * dev.scaling.driver.bench.scale.StandInTrainer}) that sleeps instead of computing. {@link
 * dev.scaling.driver.bench.scale.ScaleBench} runs it and measures the driver at that scale:
 * makespan against its bound, per-trial overhead, heap, resume and its listings, the Sweep page's
 * payload and render time, the tables and the fit. See docs/scale.md.
 */
package dev.scaling.driver.bench.scale;
