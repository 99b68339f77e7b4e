package dev.scaling.common.trial;

import static dev.scaling.common.spec.SpecException.require;

import java.io.Serializable;

/**
 * The numbers a model family needs to build a model and count its parameters: what the data, the
 * spec's {@code model} section and the grid say about one trial's model.
 *
 * @param vocab vocabulary size (from the data's tokenizer)
 * @param context longest input window, in tokens
 * @param width model width (d_model)
 * @param depth number of blocks
 * @param heads attention heads; divides width
 */
public record ModelShape(int vocab, int context, int width, int depth, int heads)
    implements Serializable {
  public ModelShape {
    require(vocab > 0, "vocab", "positive", vocab);
    require(context > 0, "context", "positive", context);
    require(width > 0, "width", "positive", width);
    require(depth > 0, "depth", "positive", depth);
    require(
        heads > 0 && width % heads == 0,
        "width",
        "a positive multiple of heads (" + heads + ")",
        width);
  }
}
