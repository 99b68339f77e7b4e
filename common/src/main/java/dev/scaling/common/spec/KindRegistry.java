package dev.scaling.common.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kinds of one spec key by name (the registries of schedules, data sources, tokenizers,
 * parametrizations and model families each hold one): registration with its checks, lookup with the
 * error a spec gets for an unknown name, and the names in a stated order. Thread-safe: tests and
 * plugins may register while other threads look up.
 *
 * @param <K> the kind
 */
public final class KindRegistry<K extends SettingsKind<?>> {
  private final String what;
  private final String field;
  private final String choices;
  private final Map<String, K> kinds;

  /**
   * @param what what a kind is, for internal errors, e.g. {@code "data source"}
   * @param field the spec key a name comes from, e.g. {@code "data.source"}
   * @param choices the rule's words before the names, e.g. {@code "one of the registered sources"}
   * @param sorted list names sorted (true) or in registration order (false)
   */
  public KindRegistry(String what, String field, String choices, boolean sorted) {
    this.what = what;
    this.field = field;
    this.choices = choices;
    this.kinds = sorted ? new TreeMap<>() : new LinkedHashMap<>();
  }

  /**
   * Registers {@code kind} under its name. Registering another instance of the same class again is
   * a no-op (a test may register its kind from several test classes).
   *
   * @throws InvariantViolation when another kind already holds the name, or the name is not a
   *     lowercase word
   */
  public synchronized void register(K kind) {
    InvariantViolation.check(
        kind.name() != null && kind.name().matches("[a-z][a-z0-9_-]{0,63}"),
        what + " name " + kind.name() + " is not a lowercase word");
    K earlier = kinds.putIfAbsent(kind.name(), kind);
    InvariantViolation.check(
        earlier == null || earlier.getClass() == kind.getClass(),
        what + " " + kind.name() + " is registered twice");
  }

  /** The registered names, in this registry's order. */
  public synchronized List<String> names() {
    return List.copyOf(kinds.keySet());
  }

  /** The registered kinds, in this registry's order. */
  public synchronized List<K> kinds() {
    return List.copyOf(kinds.values());
  }

  /** Whether {@code name} is registered. */
  public synchronized boolean has(String name) {
    return name != null && kinds.containsKey(name);
  }

  /**
   * The kind registered as {@code name}.
   *
   * @throws SpecException naming the field, the registered names and the value
   */
  public K kind(String name) {
    K kind;
    synchronized (this) {
      kind = name == null ? null : kinds.get(name);
    }
    if (kind == null) {
      throw new SpecException(field, choices + " " + names(), name);
    }
    return kind;
  }
}
