package dev.scaling.worker.model;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * What the trainer needs of any model family's block: (B, T) int64 tokens in, (B, T, vocab) logits
 * out, and a seeded initialisation that never touches DJL's process-wide random state.
 */
public abstract class LanguageModel extends AbstractBlock {

  /**
   * Allocates every parameter in {@code manager} and fills it from {@code seed} alone.
   *
   * @param manager owns the parameters
   * @param seed the trial's initialisation seed
   */
  public abstract void initialize(NDManager manager, long seed);

  /** Vocabulary size (the logits' last axis). */
  public abstract int vocab();

  /** Longest window the model accepts. */
  public abstract int context();

  /** Total number of trainable scalars (after {@link #initialize(NDManager, long)}). */
  public long parameterCount() {
    long count = 0;
    for (Pair<String, Parameter> entry : getParameters()) {
      count += entry.getValue().getArray().size();
    }
    return count;
  }
}
