package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import java.io.Serializable;

/**
 * The model family shared by every trial; width and depth come from the grid.
 *
 * @param family a model family registered with the worker's {@code ModelFamilies} ({@code
 *     transformer}: decoder-only, pre-LayerNorm, causal). {@code common} knows no family, so the
 *     name is checked against the registry when the sweep is planned, before Spark starts.
 * @param context tokens per training window
 * @param headSize width of one attention head; heads = width / headSize
 * @param parametrization how initialisation and learning rates scale with width ({@code
 *     model.parametrization}, {@code model.base_width}); null for the standard parametrization,
 *     which adds nothing to the configuration walk, so existing trial ids stay as they were
 */
public record ModelSpec(
    String family, int context, int headSize, @OmitWhenNull ParametrizationSpec parametrization)
    implements Serializable {

  /** A model section with the standard parametrization. */
  public ModelSpec(String family, int context, int headSize) {
    this(family, context, headSize, null);
  }

  public ModelSpec {
    require(family != null && !family.isBlank(), "model.family", "a model family name", family);
    require(context > 0 && context <= 8192, "model.context", "in [1, 8192]", context);
    require(headSize > 0, "model.head_size", "positive", headSize);
  }
}
