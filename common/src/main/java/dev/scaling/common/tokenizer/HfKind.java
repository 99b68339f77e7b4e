package dev.scaling.common.tokenizer;

import dev.scaling.common.spec.SpecBlock;
import dev.scaling.common.spec.SpecException;
import java.util.Set;

/**
 * A Hugging Face {@code tokenizer.json}, {@code data.tokenizer: hf}: it needs {@code
 * data.tokenizer_file}.
 */
public final class HfKind implements TokenizerKind {
  /** The name {@code data.tokenizer} selects it by. */
  public static final String NAME = "hf";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> keys() {
    return Set.of("tokenizer_file");
  }

  @Override
  public Class<HfSettings> settingsType() {
    return HfSettings.class;
  }

  @Override
  public HfSettings parse(SpecBlock data) {
    if (!data.has("tokenizer_file")) {
      throw new SpecException(
          data.path("tokenizer_file"),
          "present when data.tokenizer is hf (a tokenizer.json URI)",
          null);
    }
    return new HfSettings(data.string("tokenizer_file", null));
  }
}
