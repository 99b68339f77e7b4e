package dev.scaling.common.source;

/**
 * UTF-8 text files, {@code data.source: text}: no settings of its own (the path, the tokenizer and
 * the held-out share are the shared {@code data} keys).
 */
public final class TextKind implements DataSourceKind {
  /** The name {@code data.source} selects it by. */
  public static final String NAME = "text";

  @Override
  public String name() {
    return NAME;
  }
}
