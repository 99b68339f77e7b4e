/**
 * Fits neural scaling laws (Chinchilla, Kaplan, single-variable power laws) to (N, D, loss) rows by
 * minimising a Huber loss in log space from a grid of starts, with bootstrap intervals, an extrapolation
 * backtest and identifiability checks. Pure Java: no Spark, no DJL.
 */
package dev.scaling.common.fit;
