/**
 * The worker's models, one {@link dev.scaling.worker.model.ModelFamily} per {@code model.family}
 * value, registered in {@link dev.scaling.worker.model.ModelFamilies}: each builds its DJL block
 * and states its parameter counts. The transformer family is a small decoder-only, pre-LayerNorm,
 * causal transformer built from DJL blocks and NDArray operations, initialised from the trial's own
 * seed so results do not depend on DJL's process-wide random state.
 */
package dev.scaling.worker.model;
