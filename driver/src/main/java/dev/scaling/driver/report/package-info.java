/**
 * The fit reports: self-contained HTML pages with interactive charts ({@link
 * dev.scaling.driver.report.chart}: ECharts inlined from its WebJar, so a page opens from disk with
 * no network). {@code index.html} shows the data and the fitted scaling laws, their intervals, the
 * backtest, identifiability warnings, excluded rows and the charts the sweep's design calls for
 * ({@link dev.scaling.driver.report.ReportCharts}, {@link dev.scaling.driver.report.ReportDesign});
 * {@code curves.html} ({@link dev.scaling.driver.report.CurveReportWriter}) shows a learning-curve
 * law's parameters and each run's curve beside its prediction.
 */
package dev.scaling.driver.report;
