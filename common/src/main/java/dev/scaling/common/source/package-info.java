/**
 * The spec side of data sources, chosen by {@code data.source}: each source is a {@link
 * dev.scaling.common.source.DataSourceKind} that parses and validates its own keys of the {@code
 * data} block into its own {@link dev.scaling.common.source.SourceSettings} record; {@link
 * dev.scaling.common.source.DataSourceKinds} is the registry (one {@code register} call per kind).
 * They live in {@code common}, free of DJL, so the parser and the planner use them; the worker's
 * {@code dev.scaling.worker.data.DataSources} holds the runtime side that reads the tokens.
 */
package dev.scaling.common.source;
