package dev.scaling.common.model;

/**
 * The decoder-only transformer, {@code model.family: transformer} (the default): no settings of its
 * own beyond the shared {@code model.context} and {@code model.head_size}.
 */
public final class TransformerKind implements ModelFamilyKind {
  /** The name {@code model.family} selects it by. */
  public static final String NAME = "transformer";

  @Override
  public String name() {
    return NAME;
  }
}
