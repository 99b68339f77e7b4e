package dev.scaling.common.trial;

import dev.scaling.common.spec.InvariantViolation;
import java.io.Serializable;

/**
 * A model's parameter counts as its family states them (see the worker's {@code ModelFamily}), so
 * planning, FLOPs (6ND) and fits use the family's own numbers and {@code common} encodes no
 * family's formulas.
 *
 * @param nonEmbedding Kaplan et al.'s N: parameters outside the embeddings, the output layer,
 *     biases and norms (12 depth width^2 for the transformer)
 * @param total every trainable parameter of the built model, embeddings included
 */
public record ParamCounts(long nonEmbedding, long total) implements Serializable {
  public ParamCounts {
    InvariantViolation.check(
        nonEmbedding > 0 && total >= nonEmbedding,
        "parameter counts must be positive with total >= non-embedding, found non-embedding "
            + nonEmbedding
            + ", total "
            + total);
  }
}
