package dev.scaling.common.tokenizer;

import dev.scaling.common.spec.SettingsKind;

/**
 * The spec side of one tokenizer, selected by {@code data.tokenizer}: the keys of the {@code data}
 * block it owns, and their parse and validation into its own {@link TokenizerSettings} record. A
 * new tokenizer is one class implementing this and one {@link TokenizerKinds#register} call, plus
 * its runtime in the worker ({@code dev.scaling.worker.tokenizer.Tokenizer}, registered with {@code
 * Tokenizers.register}); neither the data spec nor the parser changes.
 */
public interface TokenizerKind extends SettingsKind<TokenizerSettings> {

  /** A tokenizer without settings of its own (a fixed vocabulary, e.g. {@code bytes}). */
  static TokenizerKind fixed(String name) {
    return new Fixed(name);
  }

  /**
   * A kind without settings.
   *
   * @param name its name
   */
  record Fixed(String name) implements TokenizerKind {}
}
