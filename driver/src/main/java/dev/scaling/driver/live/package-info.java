/**
 * Watching a running sweep: per-trial progress reported by the Spark tasks through a typed
 * accumulator ({@link dev.scaling.driver.live.LiveAccumulator}, shipped to the driver with executor
 * heartbeats), a driver-side model of the sweep fed by a listener and by the commits ({@link
 * dev.scaling.driver.live.SweepModel}), and the Sweep tab it serves inside the Spark UI ({@link
 * dev.scaling.driver.live.SweepPage}, attached through {@link
 * dev.scaling.driver.live.SparkUiHook}).
 */
package dev.scaling.driver.live;
