package dev.scaling.common.model;

import dev.scaling.common.spec.KindSettings;

/**
 * The settings of one model family beyond the keys every family shares ({@code model.context},
 * {@code model.head_size}), parsed by its {@link ModelFamilyKind} and held by {@link
 * dev.scaling.common.spec.ModelSpec#familySettings()}. Its walk key is the family's name, so trial
 * ids list its fields as {@code model.<family>.<field>}. The transformer has none.
 */
public interface ModelFamilySettings extends KindSettings {}
