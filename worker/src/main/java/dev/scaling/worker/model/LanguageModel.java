package dev.scaling.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
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

  /**
   * The factor of the scheduled learning rate for the parameter called {@code parameterName} (as
   * {@code getParameters()} names it): 1 unless the model's {@link Parametrization} scales it.
   */
  public double learningRateMultiplier(String parameterName) {
    return 1.0;
  }

  /**
   * The activations a coordinate check watches, for (B, T) {@code tokens}: by default only the
   * logits. Call it with autograd off.
   */
  public NDList trace(ParameterStore store, NDArray tokens) {
    return new NDList(forward(store, new NDList(tokens), false).singletonOrThrow());
  }

  /** Total number of trainable scalars (after {@link #initialize(NDManager, long)}). */
  public long parameterCount() {
    long count = 0;
    for (Pair<String, Parameter> entry : getParameters()) {
      count += entry.getValue().getArray().size();
    }
    return count;
  }
}
