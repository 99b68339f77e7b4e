package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import java.io.Serializable;

/**
 * The model family shared by every trial; width and depth come from the grid.
 *
 * @param family only {@code transformer} (decoder-only, pre-LayerNorm, causal)
 * @param context tokens per training window
 * @param headSize width of one attention head; heads = width / headSize
 */
public record ModelSpec(String family, int context, int headSize) implements Serializable {
  public ModelSpec {
    require("transformer".equals(family), "model.family", "one of [transformer]", family);
    require(context > 0 && context <= 8192, "model.context", "in [1, 8192]", context);
    require(headSize > 0, "model.head_size", "positive", headSize);
  }
}
