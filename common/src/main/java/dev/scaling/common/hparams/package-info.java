/**
 * Hyperparameter laws fitted to a learning-rate x batch-size grid (StepLaw, Li et al. 2025;
 * DeepSeek LLM 2024): per (N, D) cell the runs within a tolerance of the cell's best loss count as
 * optimal, and least squares over them give log lr* = c + a log N + b log D and log B* = c' + e log
 * D (or c' + f log N + e log D), with a bootstrap over whole cells for the intervals. Pure Java: no
 * Spark, no DJL; the fit is closed form (3x3 normal equations from per-cell sums), so a thousand
 * resamples cost milliseconds.
 */
package dev.scaling.common.hparams;
