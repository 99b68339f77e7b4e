package dev.scaling.worker.model;

import dev.scaling.common.model.MupKind;
import dev.scaling.common.model.MupSettings;
import dev.scaling.common.model.ParametrizationSettings;

/**
 * The maximal update parametrization (muP; Yang et al. 2022, "Tensor Programs V", as coded in
 * microsoft/mup) for Adam, against a base width at which it equals {@link StandardParametrization}.
 * With width_mult = width / base_width:
 *
 * <ul>
 *   <li>hidden weight matrices (QKV, attention output, MLP in and out) are initialised with the
 *       standard std divided by sqrt(width_mult), so std ∝ 1/sqrt(fan_in);
 *   <li>the readout (output projection) keeps its standard initialisation and its result is
 *       multiplied by 1/width_mult, as mup's {@code MuReadout} does (mup also suggests initialising
 *       the readout at zero; the multiplier is used here so that muP equals the standard model at
 *       the base width);
 *   <li>attention logits use sqrt(d0)/d instead of 1/sqrt(d), with d0 the head size at the base
 *       width (mup's 8/d is this with d0 = 64), so both agree at the base head size. The spec fixes
 *       {@code model.head_size} and grows the head count with width, so d = d0 at every width and
 *       the attention scale equals the standard one;
 *   <li>Adam's learning rate of the hidden matrices is divided by width_mult (mup's {@code
 *       MuAdam}); vector-like parameters (embeddings, biases, LayerNorm, and the readout, whose
 *       fan-out is the vocabulary) keep the scheduled learning rate.
 * </ul>
 *
 * muP transfers across width only; depth is not scaled.
 */
public final class MupParametrization implements Parametrization {
  /** Its {@code model.parametrization} value. */
  public static final String NAME = MupKind.NAME;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public WidthScaling scaling(int width, int headSize, ParametrizationSettings settings) {
    return scaling(width, headSize, ((MupSettings) settings).baseWidth());
  }

  /**
   * The multipliers for a model of {@code width} and {@code headSize} against {@code baseWidth}.
   */
  public WidthScaling scaling(int width, int headSize, int baseWidth) {
    double widthMult = (double) width / baseWidth;
    int baseHeadSize = headSize; // the head size is the same at every width, the base one included
    return new WidthScaling(
        widthMult,
        1.0 / Math.sqrt(widthMult),
        1.0 / widthMult,
        1.0 / widthMult,
        Math.sqrt(baseHeadSize) / headSize);
  }
}
