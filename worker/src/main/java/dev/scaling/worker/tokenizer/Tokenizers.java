package dev.scaling.worker.tokenizer;

import dev.scaling.common.spec.SpecException;
import java.util.List;

/**
 * The registry of tokenizers, keyed by {@code data.tokenizer}. A new tokenizer is one class and one
 * line in {@link #REGISTERED}.
 */
public final class Tokenizers {

  private static final List<Tokenizer> REGISTERED =
      List.of(new ByteTokenizer(), new Gpt2Tokenizer(), new BpeTokenizer(), new HfTokenizer());

  private Tokenizers() {}

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
