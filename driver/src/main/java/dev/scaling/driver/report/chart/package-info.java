/**
 * Interactive charts for the report and the Sweep page: a typed chart model ({@link
 * dev.scaling.driver.report.chart.Chart}) that sections build in Java, written as JSON into the
 * page and drawn in the browser by ECharts 5.3 (its "common" bundle, inlined from the WebJar, so a
 * report opens from disk with no network) through one glue script, {@code charts.js}, shared by the
 * report and the Spark UI's Sweep page. Log axes get labelled ticks even when they span less than a
 * decade; hovering a point shows its {@link dev.scaling.driver.report.chart.Tip}; clicking a legend
 * entry isolates its series; each chart saves as PNG, SVG (ECharts' server-side SVG renderer) and
 * its data as CSV.
 */
package dev.scaling.driver.report.chart;
