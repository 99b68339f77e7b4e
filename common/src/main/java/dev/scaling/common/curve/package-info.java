/**
 * Whole learning-curve laws: the loss at every step of a run as a function of its learning-rate
 * schedule, fitted on a few runs and used to predict others (other schedules, other cooldown
 * branches, longer horizons). Pure Java: no Spark, no DJL.
 *
 * <p>A {@link dev.scaling.common.curve.Curve} is one run's schedule (knots of step and learning
 * rate, linear between) with its logged losses. A law is a {@link
 * dev.scaling.common.curve.CurveLaw} registered by one constant of {@link
 * dev.scaling.common.curve.CurveLawForm}: the Multi-Power Law of Luo et al. 2025 and the
 * learning-rate annealing law of Tissue et al. 2024. {@link dev.scaling.common.curve.CurveFitter}
 * fits a law by a Huber loss on log residuals from a grid of starts, with bootstrap-over-runs
 * intervals, and {@link dev.scaling.common.curve.CurveFit} predicts any curve.
 */
package dev.scaling.common.curve;
