package dev.scaling.common.model;

import static dev.scaling.common.spec.SpecException.require;

/**
 * The settings of muP: the width at which it equals the standard parametrization ({@code
 * model.base_width}; width_mult = width / base_width). Trial ids list it as {@code
 * parametrization.base_width}, where it always was (see {@link
 * dev.scaling.common.spec.ParametrizationSpec#walkForm()}).
 *
 * @param baseWidth the base width, positive
 */
public record MupSettings(int baseWidth) implements ParametrizationSettings {
  /** {@code model.base_width} when a spec names muP but no base width. */
  public static final int DEFAULT_BASE_WIDTH = 32;

  public MupSettings {
    require(baseWidth > 0, "model.base_width", "a positive whole number", baseWidth);
  }

  @Override
  public String walkKey() {
    return MupKind.NAME;
  }
}
