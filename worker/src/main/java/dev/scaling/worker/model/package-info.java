/**
 * The worker's model: a small decoder-only, pre-LayerNorm, causal transformer built from DJL blocks and
 * NDArray operations, initialised from the trial's own seed so results do not depend on DJL's
 * process-wide random state.
 */
package dev.scaling.worker.model;
