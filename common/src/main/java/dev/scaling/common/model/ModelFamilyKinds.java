package dev.scaling.common.model;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.SpecException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of the spec side of model families by their {@code model.family} name. Adding one is
 * a class implementing {@link ModelFamilyKind} and one {@link #register} call (a line in the static
 * block below for the built-in ones; any code may register its own before parsing a spec that names
 * it); the parser and {@link dev.scaling.common.spec.ModelSpec}'s validation go through this class,
 * so an unknown family is refused when the spec is parsed. Names are listed in registration order,
 * as the worker's registry lists them.
 */
public final class ModelFamilyKinds {
  /** The family of a spec that names none. */
  public static final String DEFAULT = TransformerKind.NAME;

  private static final Map<String, ModelFamilyKind> KINDS = new LinkedHashMap<>();

  static {
    register(new TransformerKind());
  }

  private ModelFamilyKinds() {}

  /**
   * Registers {@code kind} under its name, so specs may name it. Registering another instance of
   * the same class again is a no-op (a test may register its kind from several test classes).
   *
   * @throws InvariantViolation when another kind already holds the name, or the name is not a
   *     lowercase word
   */
  public static void register(ModelFamilyKind kind) {
    InvariantViolation.check(
        kind.name() != null && kind.name().matches("[a-z][a-z0-9_-]{0,63}"),
        "model family name " + kind.name() + " is not a lowercase word");
    ModelFamilyKind earlier;
    synchronized (KINDS) {
      earlier = KINDS.putIfAbsent(kind.name(), kind);
    }
    InvariantViolation.check(
        earlier == null || earlier.getClass() == kind.getClass(),
        "model family " + kind.name() + " is registered twice");
  }

  /** The registered names, in registration order. */
  public static List<String> names() {
    synchronized (KINDS) {
      return List.copyOf(KINDS.keySet());
    }
  }

  /** The registered kinds, in registration order. */
  public static List<ModelFamilyKind> kinds() {
    synchronized (KINDS) {
      return List.copyOf(KINDS.values());
    }
  }

  /**
   * The kind registered as {@code name}.
   *
   * @throws SpecException naming {@code model.family}, the registered names and the value
   */
  public static ModelFamilyKind kind(String name) {
    ModelFamilyKind kind;
    synchronized (KINDS) {
      kind = name == null ? null : KINDS.get(name);
    }
    if (kind == null) {
      throw new SpecException("model.family", "one of " + names(), name);
    }
    return kind;
  }
}
