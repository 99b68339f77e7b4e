package dev.scaling.worker.model;

import dev.scaling.common.spec.InvariantViolation;

/**
 * The multipliers a {@link Parametrization} gives one model of one width: what {@link DecoderModel}
 * applies to its hidden initialisation, its readout and its attention logits, and what the trainer
 * applies to the learning rate of the hidden weight matrices. Everything else (embeddings, biases,
 * LayerNorm, the readout's own weights) keeps the standard initialisation and the scheduled
 * learning rate.
 *
 * @param widthMult width / base width (1 for the standard parametrization)
 * @param hiddenInit multiplier of the standard initialisation std of the hidden weight matrices
 *     (QKV, attention output, MLP in and out)
 * @param readout multiplier of the output projection's result (logits)
 * @param hiddenLearningRate multiplier of the scheduled learning rate for the hidden weight
 *     matrices
 * @param attentionScale the factor of the attention logits q·k
 */
public record WidthScaling(
    double widthMult,
    double hiddenInit,
    double readout,
    double hiddenLearningRate,
    double attentionScale) {

  public WidthScaling {
    for (double v :
        new double[] {widthMult, hiddenInit, readout, hiddenLearningRate, attentionScale}) {
      InvariantViolation.check(
          Double.isFinite(v) && v > 0, "width scaling multipliers must be positive, found " + v);
    }
  }

  /** The standard parametrization of a model with heads of {@code headSize}: no multiplier. */
  public static WidthScaling standard(int headSize) {
    return new WidthScaling(1, 1, 1, 1, 1.0 / Math.sqrt(headSize));
  }

  /** Whether nothing differs from {@link #standard(int)} for {@code headSize}. */
  public boolean isStandard(int headSize) {
    return equals(standard(headSize));
  }
}
