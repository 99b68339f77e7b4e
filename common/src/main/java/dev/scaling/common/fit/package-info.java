/**
 * Fits neural scaling laws (Chinchilla, Kaplan, single-variable power laws) to (N, D, loss) rows by
 * minimising a Huber loss in log space from a grid of starts, with bootstrap intervals, an
 * extrapolation backtest and identifiability checks. Pure Java: no Spark, no DJL.
 *
 * <p>A law is a {@link dev.scaling.common.fit.Law} (its terms of log L = LSE(terms), rows, start
 * grid, parameter names and bounds) registered by one constant of {@link
 * dev.scaling.common.fit.LawForm}; one fused objective evaluates every law.
 *
 * <p>The compute-optimal allocation N_opt(C) = G C^a, D_opt(C) = H C^b is estimated by Chinchilla's
 * three approaches side by side ({@link dev.scaling.common.fit.AllocationStudy}): each is an {@link
 * dev.scaling.common.fit.Approach} registered by one constant of {@link
 * dev.scaling.common.fit.ApproachKind}, reading a {@link dev.scaling.common.fit.Study} (rows,
 * compute, budgets, fitted laws) and returning a typed {@link dev.scaling.common.fit.Allocation};
 * design checks and a variable-projection cross-check of the parametric fit come with them.
 */
package dev.scaling.common.fit;
