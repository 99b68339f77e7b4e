package dev.scaling.worker.model;

import dev.scaling.common.model.TransformerKind;
import dev.scaling.common.trial.ModelShape;
import dev.scaling.common.trial.ParamCounts;

/** The decoder-only, pre-LayerNorm, causal transformer of {@link DecoderModel}. */
public final class TransformerFamily implements ModelFamily {
  /** Its {@code model.family} value. */
  public static final String NAME = TransformerKind.NAME;

  @Override
  public String name() {
    return NAME;
  }

  /**
   * N = 12 depth width^2 (Kaplan et al. 2020: per block, fused QKV 3w^2, output projection w^2, 4x
   * MLP 8w^2). Total: token and position embeddings, per block those weights plus 13w of biases and
   * LayerNorm gains and shifts, the final LayerNorm (2w), and the untied output projection with
   * bias.
   */
  @Override
  public ParamCounts paramCounts(ModelShape s) {
    long w = s.width();
    long v = s.vocab();
    long blockWeights = 12 * w * w;
    long nonEmbedding = s.depth() * blockWeights;
    long total = v * w + s.context() * w + s.depth() * (blockWeights + 13 * w) + 2 * w + w * v + v;
    return new ParamCounts(nonEmbedding, total);
  }

  @Override
  public DecoderModel build(ModelShape s) {
    return new DecoderModel(s.vocab(), s.context(), s.width(), s.depth(), s.heads());
  }

  @Override
  public DecoderModel build(ModelShape s, WidthScaling scaling) {
    return new DecoderModel(s.vocab(), s.context(), s.width(), s.depth(), s.heads(), scaling);
  }

  @Override
  public boolean scalesWithWidth() {
    return true;
  }
}
