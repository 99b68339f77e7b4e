/**
 * {@code ./sweep bench}: the speed benchmark. {@link dev.scaling.driver.bench.BenchCommand} parses
 * the options and runs the sections (trainer and MFU, fit, schedule), each its own class adding
 * rows to one table that {@code BenchTable} prints and writes as CSV; {@link
 * dev.scaling.driver.bench.BenchReport} is the typed result.
 */
package dev.scaling.driver.bench;
