package dev.scaling.common.tokenizer;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.SpecException;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The registry of the spec side of tokenizers by their {@code data.tokenizer} name: one {@link
 * #register} call per kind (a line in the static block below for the built-in ones; any code may
 * register its own before parsing a spec that names it).
 */
public final class TokenizerKinds {
  /** The tokenizer of a spec that names none. */
  public static final String DEFAULT = "bytes";

  private static final Map<String, TokenizerKind> KINDS = new ConcurrentSkipListMap<>();

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
    InvariantViolation.check(
        kind.name() != null && kind.name().matches("[a-z][a-z0-9_.-]{0,63}"),
        "tokenizer name " + kind.name() + " is not a lowercase word");
    TokenizerKind earlier = KINDS.putIfAbsent(kind.name(), kind);
    InvariantViolation.check(
        earlier == null || earlier.getClass() == kind.getClass(),
        "tokenizer " + kind.name() + " is registered twice");
  }

  /** The registered names, sorted. */
  public static Set<String> names() {
    return Collections.unmodifiableSet(KINDS.keySet());
  }

  /** The registered kinds, sorted by name. */
  public static Collection<TokenizerKind> kinds() {
    return Collections.unmodifiableCollection(KINDS.values());
  }

  /**
   * The kind registered as {@code name}.
   *
   * @throws SpecException naming {@code data.tokenizer}, the registered names and the value
   */
  public static TokenizerKind kind(String name) {
    TokenizerKind kind = name == null ? null : KINDS.get(name);
    if (kind == null) {
      throw new SpecException(
          "data.tokenizer", "one of the registered tokenizers " + names(), name);
    }
    return kind;
  }
}
