package dev.scaling.common.tokenizer;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.KindRegistry;
import dev.scaling.common.spec.SpecException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The registry of the spec side of tokenizers by their {@code data.tokenizer} name: one {@link
 * #register} call per kind (a line in the static block below for the built-in ones; any code may
 * register its own before parsing a spec that names it).
 */
public final class TokenizerKinds {
  /** The tokenizer of a spec that names none. */
  public static final String DEFAULT = "bytes";

  private static final KindRegistry<TokenizerKind> KINDS =
      new KindRegistry<>("tokenizer", "data.tokenizer", "one of the registered tokenizers", true);

  static {
    register(TokenizerKind.fixed(DEFAULT));
    register(TokenizerKind.fixed("gpt2"));
    register(new BpeKind());
    register(new HfKind());
  }

  private TokenizerKinds() {}

  /**
   * Registers {@code kind} under its name. Registering an equal kind again is a no-op.
   *
   * @throws InvariantViolation when another kind already holds the name, or the name is no
   *     tokenizer name
   */
  public static void register(TokenizerKind kind) {
    KINDS.register(kind);
  }

  /** The registered names, sorted. */
  public static Set<String> names() {
    return new LinkedHashSet<>(KINDS.names());
  }

  /** The registered kinds, sorted by name. */
  public static Collection<TokenizerKind> kinds() {
    return KINDS.kinds();
  }

  /**
   * The kind registered as {@code name}.
   *
   * @throws SpecException naming {@code data.tokenizer}, the registered names and the value
   */
  public static TokenizerKind kind(String name) {
    return KINDS.kind(name);
  }
}
