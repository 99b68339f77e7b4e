package dev.scaling.common.source;

import dev.scaling.common.spec.SettingsKind;

/**
 * The spec side of one kind of training data, selected by {@code data.source}: the keys of the
 * {@code data} block it owns, and the parse and validation of them into its own {@link
 * SourceSettings} record (as a block factory receives its arguments). A new source is one class
 * implementing this and one {@link DataSourceKinds#register} call, plus its runtime in the worker
 * ({@code dev.scaling.worker.data.TokenSource}, registered with {@code DataSources.register});
 * neither {@link dev.scaling.common.spec.DataSpec} nor the parser changes.
 */
public interface DataSourceKind extends SettingsKind<SourceSettings> {}
