package dev.scaling.common.source;

import dev.scaling.common.spec.KindSettings;

/**
 * The settings of one data source beyond those every source shares ({@code data.path}, {@code
 * data.validation_fraction}, ...), parsed by its {@link DataSourceKind} and held by {@link
 * dev.scaling.common.spec.DataSpec#settings()}. Its walk key is the source's name, or the key its
 * settings always had in trial ids.
 */
public interface SourceSettings extends KindSettings {}
