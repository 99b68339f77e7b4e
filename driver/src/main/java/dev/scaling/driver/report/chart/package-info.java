/**
 * Interactive charts for the report and the Sweep page: a typed chart model ({@link
 * dev.scaling.driver.report.chart.Chart}) that sections build in Java, written as JSON into the
 * page and drawn in the browser by ECharts (inlined from its WebJar, so a report opens from disk
 * with no network) through one glue script shared by the report and the Spark UI's Sweep page.
 */
package dev.scaling.driver.report.chart;
