package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import java.io.Serializable;

/**
 * The name of the data source a sweep trains on ({@code data.source}). Which names exist, and what each
 * needs from the rest of {@code data}, is decided by the worker's data-source registry
 * ({@code dev.scaling.worker.data.DataSources}), so a new source needs no change here. A leaf value rather
 * than a record, so spec diffs and the trial id show it as {@code data.source: text}.
 */
public final class DataSource implements RegisteredName, Serializable {
  private static final long serialVersionUID = 1L;

  /** The generated language with an exactly known entropy floor (the default). */
  public static final DataSource SYNTHETIC = new DataSource("synthetic");

  /** UTF-8 text files read through Hadoop FileSystem. */
  public static final DataSource TEXT = new DataSource("text");

  private final String name;

  /**
   * @param name the spelling in YAML: lowercase letters, digits, {@code -} or {@code _}, starting with a
   *     letter
   */
  public DataSource(String name) {
    require(
        name != null && name.matches("[a-z][a-z0-9_-]{0,63}"),
        "data.source",
        "a source name (a lowercase letter, then up to 63 lowercase letters, digits, - or _)",
        name);
    this.name = name;
  }

  /** The spelling used in YAML. */
  @Override
  public String name() {
    return name;
  }

  /** The spelling used in YAML (the trial id hashes it). */
  public String yamlName() {
    return name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DataSource other && other.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
