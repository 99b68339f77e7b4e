package dev.scaling.common.model;

import dev.scaling.common.spec.KindSettings;

/**
 * The settings of one parametrization (muP's base width, say), parsed by its {@link
 * ParametrizationKind} and held by {@link dev.scaling.common.spec.ParametrizationSpec#settings()}.
 * Its walk key is the parametrization's name.
 */
public interface ParametrizationSettings extends KindSettings {}
