/**
 * Fits neural scaling laws (Chinchilla, Kaplan, single-variable power laws) to (N, D, loss) rows by
 * minimising a Huber loss in log space from a grid of starts, with bootstrap intervals, an
 * extrapolation backtest and identifiability checks. Pure Java: no Spark, no DJL.
 *
 * <p>A law is a {@link dev.scaling.common.fit.Law} (its terms of log L = LSE(terms), rows, start
 * grid, parameter names and bounds) registered by one constant of {@link
 * dev.scaling.common.fit.LawForm}; one fused objective evaluates every law.
 */
package dev.scaling.common.fit;
