package dev.scaling.common.tokenizer;

import dev.scaling.common.spec.SpecBlock;
import dev.scaling.common.spec.SpecException;
import java.util.Set;

/**
 * The spec side of one tokenizer, selected by {@code data.tokenizer}: the keys of the {@code data}
 * block it owns, and their parse and validation into its own {@link TokenizerSettings} record. A
 * new tokenizer is one class implementing this and one {@link TokenizerKinds#register} call, plus
 * its runtime in the worker ({@code dev.scaling.worker.tokenizer.Tokenizer}, registered with {@code
 * Tokenizers.register}); neither the data spec nor the parser changes.
 */
public interface TokenizerKind {

  /** The {@code data.tokenizer} value that selects it, e.g. {@code bpe}. */
  String name();

  /**
   * The keys of the {@code data} block this kind reads; the parser refuses them under any other
   * tokenizer, naming this one.
   */
  default Set<String> keys() {
    return Set.of();
  }

  /** The class of this kind's settings, or null for a tokenizer without settings. */
  default Class<? extends TokenizerSettings> settingsType() {
    return null;
  }

  /**
   * This kind's settings, read from the {@code data} block (only from its {@link #keys()}).
   *
   * @return the settings, an instance of {@link #settingsType()}; null for a kind without settings
   * @throws SpecException naming the field, the rule and the value
   */
  default TokenizerSettings parse(SpecBlock data) {
    return null;
  }

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
