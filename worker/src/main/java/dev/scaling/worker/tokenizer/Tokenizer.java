package dev.scaling.worker.tokenizer;

import dev.scaling.common.spec.DataSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;

/**
 * Turns text into the token ids a model trains on. A new tokenizer is one class implementing this,
 * registered with {@link Tokenizers#register}, beside its spec side in {@code common} ({@link
 * dev.scaling.common.tokenizer.TokenizerKind}, which parses its settings). Implementations are
 * shared by every trial of a JVM, so they must be thread-safe; a constructor must be cheap (load
 * heavy state lazily), since the registry builds every registered tokenizer. A tokenizer that needs
 * files (trained merges, a {@code tokenizer.json}) is the registry's unconfigured instance until
 * {@link #loaded} gives the ready one.
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

  /**
   * Checks the fields of {@code data} this tokenizer reads beyond its own settings, which its spec
   * side ({@link dev.scaling.common.tokenizer.TokenizerKind}) parsed and validated already. The
   * default checks nothing.
   *
   * @throws dev.scaling.common.spec.SpecException naming the field, the rule and the value
   */
  default void check(DataSpec data) {}

  /** Vocabulary a model of {@code data} needs (the default: the fixed {@link #vocabSize()}). */
  default int vocabSize(DataSpec data, Configuration conf) {
    return vocabSize();
  }

  /**
   * What distinguishes this tokenizer's output on {@code data} in the token cache's folder name,
   * e.g. {@code gpt2} or {@code bpe4096}.
   */
  default String cacheKey(DataSpec data, Configuration conf) throws IOException {
    return name();
  }

  /** Whether it is trained on the corpus' training split before use ({@link Trainable}). */
  default boolean trained() {
    return false;
  }

  /**
   * The instance ready to encode {@code data}, given the token cache folder {@code folder} (where
   * trained merges live). The default is this instance.
   *
   * @throws IOException when a file it needs cannot be read or parsed
   */
  default Tokenizer loaded(DataSpec data, String folder, Configuration conf) throws IOException {
    return this;
  }

  /**
   * UTF-8 bytes each token id stands for, indexed by id (0 for ids that stand for none), so bits
   * per byte can be computed from token losses. The default decodes each id on its own.
   */
  default int[] tokenBytes() {
    int[] out = new int[vocabSize()];
    for (int id = 0; id < out.length; id++) {
      try {
        out[id] = decode(new int[] {id}).getBytes(StandardCharsets.UTF_8).length;
      } catch (RuntimeException e) {
        out[id] = 0; // a special token without text
      }
    }
    return out;
  }
}
