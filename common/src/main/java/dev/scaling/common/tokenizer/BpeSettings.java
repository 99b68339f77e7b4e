package dev.scaling.common.tokenizer;

import static dev.scaling.common.spec.SpecException.require;

/**
 * The settings of the trained byte-level BPE ({@code data.tokenizer: bpe}): the vocabulary to train
 * to ({@code data.vocab_size}). Trial ids list it as {@code data.vocab_size}, where it always was.
 *
 * @param vocabSize 256 byte tokens plus one per merge, at least {@link #MIN_VOCAB_SIZE}
 */
public record BpeSettings(int vocabSize) implements TokenizerSettings {
  /** Smallest trained byte-level vocabulary: 256 byte tokens and one merge. */
  public static final int MIN_VOCAB_SIZE = 257;

  /** Largest trained vocabulary. */
  public static final int MAX_VOCAB_SIZE = 1 << 20;

  public BpeSettings {
    require(
        vocabSize >= MIN_VOCAB_SIZE && vocabSize <= MAX_VOCAB_SIZE,
        "data.vocab_size",
        "in ["
            + MIN_VOCAB_SIZE
            + ", "
            + MAX_VOCAB_SIZE
            + "] (a byte-level BPE has 256 byte tokens, then one per merge)",
        vocabSize);
  }

  @Override
  public String walkKey() {
    return BpeKind.NAME;
  }
}
