package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import java.io.Serializable;

/**
 * The name of the data source a sweep trains on ({@code data.source}). Which names exist, and the
 * settings each reads, is decided by the registered kinds ({@link
 * dev.scaling.common.source.DataSourceKinds}; their runtime: the worker's {@code
 * dev.scaling.worker.data.DataSources}), so a new source needs no change here. As a {@link
 * RegisteredName} it is one leaf of the trial id's walk and of spec diffs ({@code data.source:
 * text}).
 *
 * @param name the spelling in YAML: a lowercase letter, then lowercase letters, digits, {@code -}
 *     or {@code _}
 */
public record DataSource(String name) implements RegisteredName, Serializable {

  /** The generated language with an exactly known entropy floor (the default). */
  public static final DataSource SYNTHETIC = new DataSource("synthetic");

  /**
   * Zipf-distributed skills with an exactly known floor and designed power-law exponents ({@link
   * PowerLawSpec}).
   */
  public static final DataSource POWERLAW = new DataSource("powerlaw");

  /** UTF-8 text files read through Hadoop FileSystem. */
  public static final DataSource TEXT = new DataSource("text");

  public DataSource {
    require(
        name != null && name.matches("[a-z][a-z0-9_-]{0,63}"),
        "data.source",
        "a source name (a lowercase letter, then up to 63 lowercase letters, digits, - or _)",
        name);
  }

  @Override
  public String toString() {
    return name;
  }
}
