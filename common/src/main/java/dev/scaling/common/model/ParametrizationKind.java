package dev.scaling.common.model;

import dev.scaling.common.spec.SettingsKind;

/**
 * The spec side of one parametrization, selected by {@code model.parametrization}: the keys of the
 * {@code model} block it owns, and the parse and validation of them into its own {@link
 * ParametrizationSettings} record. A new parametrization is one class implementing this and one
 * {@link ParametrizationKinds#register} call, plus its runtime in the worker ({@code
 * dev.scaling.worker.model.Parametrization}, registered with {@code Parametrizations.register});
 * neither {@link dev.scaling.common.spec.ModelSpec} nor the parser changes.
 */
public interface ParametrizationKind extends SettingsKind<ParametrizationSettings> {}
