/**
 * The fit reports: self-contained HTML pages with PNG plots (XChart). {@code index.html} shows the
 * data and the fitted scaling laws, their intervals, the backtest, identifiability warnings and
 * excluded rows; {@code curves.html} ({@link dev.scaling.driver.report.CurveReportWriter}) shows a
 * learning-curve law's parameters and each run's curve beside its prediction.
 */
package dev.scaling.driver.report;
