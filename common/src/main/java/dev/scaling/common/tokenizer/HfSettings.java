package dev.scaling.common.tokenizer;

import static dev.scaling.common.spec.SpecException.require;

/**
 * The settings of a Hugging Face tokenizer ({@code data.tokenizer: hf}): its {@code tokenizer.json}
 * ({@code data.tokenizer_file}). Trial ids list it as {@code data.tokenizer_file}, where it always
 * was.
 *
 * @param tokenizerFile Hadoop FS URI of the {@code tokenizer.json}
 */
public record HfSettings(String tokenizerFile) implements TokenizerSettings {
  public HfSettings {
    require(
        tokenizerFile != null && !tokenizerFile.isBlank(),
        "data.tokenizer_file",
        "a file URI",
        tokenizerFile);
  }

  @Override
  public String walkKey() {
    return HfKind.NAME;
  }
}
