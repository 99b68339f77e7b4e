package dev.scaling.common.source;

import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.KindRegistry;
import dev.scaling.common.spec.SpecException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The registry of the spec side of data sources by their {@code data.source} name. Adding a source
 * is one class implementing {@link DataSourceKind} and one {@link #register} call (a line in the
 * static block below for the built-in ones; any code may register its own before parsing a spec
 * that names it); the parser and {@link DataSpec}'s validation go through this class.
 */
public final class DataSourceKinds {
  private static final KindRegistry<DataSourceKind> KINDS =
      new KindRegistry<>("data source", "data.source", "one of the registered sources", true);

  static {
    register(new SyntheticKind());
    register(new PowerLawKind());
    register(new TextKind());
    register(new ParquetKind());
  }

  private DataSourceKinds() {}

  /**
   * Registers {@code kind} under its name, so specs may name it. Registering another instance of
   * the same class again is a no-op (a test may register its kind from several test classes).
   *
   * @throws InvariantViolation when another kind already holds the name, or the name is not a
   *     lowercase word
   */
  public static void register(DataSourceKind kind) {
    KINDS.register(kind);
  }

  /** The registered names, sorted. */
  public static Set<String> names() {
    return new LinkedHashSet<>(KINDS.names());
  }

  /** The registered kinds, sorted by name. */
  public static Collection<DataSourceKind> kinds() {
    return KINDS.kinds();
  }

  /**
   * The kind registered as {@code name}.
   *
   * @throws SpecException naming {@code data.source}, the registered names and the value
   */
  public static DataSourceKind kind(String name) {
    return KINDS.kind(name);
  }
}
