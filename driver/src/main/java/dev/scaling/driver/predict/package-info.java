/**
 * Predicted cooldown branches: per model (a wsd trunk), a whole learning-curve law fitted on the
 * trunk and the branches it trained, the final loss it predicts for every other branch with a
 * prediction interval, and the check of those predictions against trained twins ({@code
 * --verify-predictions}). Predictions are derived data: computed when a sweep's commits are
 * collected, never committed. No Spark here.
 */
package dev.scaling.driver.predict;
