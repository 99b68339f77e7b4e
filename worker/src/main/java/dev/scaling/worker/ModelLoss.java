package dev.scaling.worker;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * The training objective of a language model: mean next-token cross-entropy in nats per token,
 * shared by the training step and the {@link Evaluator} so both measure the same thing.
 */
final class ModelLoss {
  private final Block model;
  private final ParameterStore store;

  /**
   * @param model maps token ids (batch, context) to logits (batch, context, vocab)
   * @param store the model's parameter store
   */
  ModelLoss(Block model, ParameterStore store) {
    this.model = model;
    this.store = store;
  }

  /**
   * Mean cross-entropy in nats per token of the model's predictions of {@code labels} from {@code
   * inputs}.
   */
  NDArray crossEntropy(NDArray inputs, NDArray labels, boolean training) {
    NDArray logits = model.forward(store, new NDList(inputs), training).singletonOrThrow();
    NDArray logProbs = logits.logSoftmax(-1);
    return logProbs.gather(labels.expandDims(-1), -1).mean().neg();
  }

  /**
   * Mean cross-entropy in nats per token of each window (row) of {@code inputs}, without autograd's
   * training mode: shape (batch).
   */
  NDArray windowCrossEntropy(NDArray inputs, NDArray labels) {
    NDArray logits = model.forward(store, new NDList(inputs), false).singletonOrThrow();
    NDArray logProbs = logits.logSoftmax(-1);
    return logProbs.gather(labels.expandDims(-1), -1).squeeze(-1).mean(new int[] {1}).neg();
  }
}
