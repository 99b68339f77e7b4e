package dev.scaling.common.tokenizer;

import dev.scaling.common.spec.SpecBlock;
import dev.scaling.common.spec.SpecException;
import java.util.Set;

/** The trained byte-level BPE, {@code data.tokenizer: bpe}: it needs {@code data.vocab_size}. */
public final class BpeKind implements TokenizerKind {
  /** The name {@code data.tokenizer} selects it by. */
  public static final String NAME = "bpe";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> keys() {
    return Set.of("vocab_size");
  }

  @Override
  public Class<BpeSettings> settingsType() {
    return BpeSettings.class;
  }

  @Override
  public BpeSettings parse(SpecBlock data) {
    if (!data.has("vocab_size")) {
      throw new SpecException(
          data.path("vocab_size"),
          "present when data.tokenizer is bpe (at least " + BpeSettings.MIN_VOCAB_SIZE + ")",
          null);
    }
    return new BpeSettings(data.intValue("vocab_size", null));
  }
}
