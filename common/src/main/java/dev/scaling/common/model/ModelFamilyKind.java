package dev.scaling.common.model;

import dev.scaling.common.spec.SettingsKind;

/**
 * The spec side of one model family, selected by {@code model.family}: the keys of the {@code
 * model} block it owns (beyond {@code context} and {@code head_size}, which every family shares),
 * and the parse and validation of them into its own {@link ModelFamilySettings} record. A new
 * family is one class implementing this and one {@link ModelFamilyKinds#register} call, plus its
 * runtime in the worker ({@code dev.scaling.worker.model.ModelFamily}, registered with {@code
 * ModelFamilies.register}); neither {@link dev.scaling.common.spec.ModelSpec} nor the parser
 * changes.
 */
public interface ModelFamilyKind extends SettingsKind<ModelFamilySettings> {}
