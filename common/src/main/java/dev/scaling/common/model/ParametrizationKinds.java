package dev.scaling.common.model;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.KindRegistry;
import dev.scaling.common.spec.SpecException;
import java.util.List;

/**
 * The registry of the spec side of parametrizations by their {@code model.parametrization} name.
 * Adding one is a class implementing {@link ParametrizationKind} and one {@link #register} call (a
 * line in the static block below for the built-in ones; any code may register its own before
 * parsing a spec that names it); the parser and {@link
 * dev.scaling.common.spec.ParametrizationSpec}'s validation go through this class. Names are listed
 * in registration order, as the worker's registry lists them.
 */
public final class ParametrizationKinds {
  /** The parametrization of a spec that names none. */
  public static final String DEFAULT = StandardKind.NAME;

  private static final KindRegistry<ParametrizationKind> KINDS =
      new KindRegistry<>("parametrization", "model.parametrization", "one of", false);

  static {
    register(new StandardKind());
    register(new MupKind());
  }

  private ParametrizationKinds() {}

  /**
   * Registers {@code kind} under its name, so specs may name it. Registering another instance of
   * the same class again is a no-op (a test may register its kind from several test classes).
   *
   * @throws InvariantViolation when another kind already holds the name, or the name is not a
   *     lowercase word
   */
  public static void register(ParametrizationKind kind) {
    KINDS.register(kind);
  }

  /** The registered names, in registration order. */
  public static List<String> names() {
    return KINDS.names();
  }

  /** The registered kinds, in registration order. */
  public static List<ParametrizationKind> kinds() {
    return KINDS.kinds();
  }

  /**
   * The kind registered as {@code name}.
   *
   * @throws SpecException naming {@code model.parametrization}, the registered names and the value
   */
  public static ParametrizationKind kind(String name) {
    return KINDS.kind(name);
  }
}
