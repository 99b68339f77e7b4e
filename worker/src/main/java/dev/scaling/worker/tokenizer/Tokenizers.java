package dev.scaling.worker.tokenizer;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.SpecException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The registry of the runtime side of tokenizers, keyed by {@code data.tokenizer}. A new tokenizer
 * is its spec side in {@code common} ({@link dev.scaling.common.tokenizer.TokenizerKind},
 * registered with {@link dev.scaling.common.tokenizer.TokenizerKinds#register}) plus one class
 * implementing {@link Tokenizer} registered here with {@link #register}.
 */
public final class Tokenizers {

  private static final List<Tokenizer> REGISTERED = new CopyOnWriteArrayList<>();

  static {
    register(new ByteTokenizer());
    register(new Gpt2Tokenizer());
    register(new BpeTokenizer());
    register(new HfTokenizer());
  }

  private Tokenizers() {}

  /**
   * Registers {@code tokenizer} under its name. Registering another instance of the same class
   * again is a no-op.
   *
   * @throws InvariantViolation when another tokenizer already holds the name
   */
  public static synchronized void register(Tokenizer tokenizer) {
    for (Tokenizer earlier : REGISTERED) {
      if (earlier.name().equals(tokenizer.name())) {
        InvariantViolation.check(
            earlier.getClass() == tokenizer.getClass(),
            "tokenizer " + tokenizer.name() + " is registered twice");
        return;
      }
    }
    REGISTERED.add(tokenizer);
  }

  /** Names of the registered tokenizers, in registration order. */
  public static List<String> names() {
    return REGISTERED.stream().map(Tokenizer::name).toList();
  }

  /**
   * The tokenizer called {@code name}.
   *
   * @throws SpecException naming {@code data.tokenizer} and the registered names when there is none
   */
  public static Tokenizer named(String name) {
    for (Tokenizer tokenizer : REGISTERED) {
      if (tokenizer.name().equals(name)) {
        return tokenizer;
      }
    }
    throw new SpecException("data.tokenizer", "one of " + names(), name);
  }
}
