/**
 * The spec side of the {@code model} block's kinds: parametrizations ({@code
 * model.parametrization}, each a {@link dev.scaling.common.model.ParametrizationKind} that parses
 * its own keys into its own {@link dev.scaling.common.model.ParametrizationSettings}) and model
 * families ({@code model.family}, each a {@link dev.scaling.common.model.ModelFamilyKind} with its
 * own {@link dev.scaling.common.model.ModelFamilySettings}, if any), with their registries {@link
 * dev.scaling.common.model.ParametrizationKinds} and {@link
 * dev.scaling.common.model.ModelFamilyKinds}. They live in {@code common}, free of DJL, so the
 * parser refuses an unknown name; the worker's {@code dev.scaling.worker.model} holds the runtime
 * side that builds the models.
 */
package dev.scaling.common.model;
