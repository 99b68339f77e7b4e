package dev.scaling.worker.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * Turns text into the token ids a model trains on. A new tokenizer is one class implementing this
 * plus one line in {@link Tokenizers}. Implementations are shared by every trial of a JVM, so they
 * must be thread-safe; a constructor must be cheap (load heavy state lazily), since the registry
 * builds every registered tokenizer.
 */
public interface Tokenizer {

  /** The name {@code data.tokenizer} selects it by, e.g. {@code bytes}. */
  String name();

  /** Number of distinct token ids: every id is in {@code [0, vocabSize())}. */
  int vocabSize();

  /** Token ids of {@code text}. */
  int[] encode(String text);

  /**
   * Text of {@code tokens}, for debugging and samples (need not invert {@link #encode} exactly).
   */
  String decode(int[] tokens);

  /**
   * Tokens of one file's valid UTF-8 bytes. The default decodes them and calls {@link #encode}; a
   * tokenizer that can work on bytes directly overrides it to save the copies.
   */
  default Tokens encodeUtf8(byte[] utf8) {
    return Tokens.of(encode(new String(utf8, StandardCharsets.UTF_8)), vocabSize());
  }
}
