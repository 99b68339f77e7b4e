/**
 * The fit report: a self-contained HTML page with PNG plots (XChart) of the data and the fitted
 * laws, their intervals, the backtest, identifiability warnings and excluded rows.
 */
package dev.scaling.driver.report;
