package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import java.io.Serializable;

/**
 * How a model's initialisation, multipliers and per-parameter learning rates scale with its width
 * ({@code model.parametrization} and {@code model.base_width}). Which names exist is decided by the
 * worker's registry ({@code dev.scaling.worker.model.Parametrizations}), checked when the sweep is
 * planned, before Spark starts. A spec without the keys (the standard parametrization) carries no
 * such section at all, so its trial ids are those it always had.
 *
 * @param name the parametrization, e.g. {@code mup}
 * @param baseWidth the width at which it equals the standard parametrization (width_mult = width /
 *     base_width)
 */
public record ParametrizationSpec(String name, int baseWidth) implements Serializable {

  /** The name of the standard parametrization (the default, written as no section at all). */
  public static final String STANDARD = "standard";

  /** {@code model.base_width} when a spec names a parametrization but no base width. */
  public static final int DEFAULT_BASE_WIDTH = 32;

  public ParametrizationSpec {
    require(
        name != null && name.matches("[a-z][a-z0-9_-]{0,63}"),
        "model.parametrization",
        "a parametrization name (a lowercase letter, then up to 63 lowercase letters, digits, - or"
            + " _)",
        name);
    require(baseWidth > 0, "model.base_width", "a positive whole number", baseWidth);
  }

  /** The parametrization's name, or {@link #STANDARD} for null (no section). */
  public static String nameOf(ParametrizationSpec spec) {
    return spec == null ? STANDARD : spec.name();
  }

  /** A short label for tables and reports: {@code standard} or e.g. {@code mup(base_width=32)}. */
  public static String labelOf(ParametrizationSpec spec) {
    return spec == null ? STANDARD : spec.name() + "(base_width=" + spec.baseWidth() + ")";
  }
}
