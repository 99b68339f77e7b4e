package dev.scaling.worker.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * Global-norm gradient clipping: when the L2 norm of all gradients together exceeds {@code
 * maxNorm}, every gradient is scaled by {@code maxNorm / (norm + 1e-6)}, so the update keeps its
 * direction.
 */
public final class GlobalNormClip {
  private GlobalNormClip() {}

  /**
   * Clips {@code grads} in place (autograd must be off).
   *
   * @param grads the gradients of every parameter
   * @param maxNorm the largest global norm allowed; 0 or less leaves the gradients alone
   */
  public static void apply(NDArray[] grads, double maxNorm) {
    if (maxNorm <= 0) {
      return;
    }
    NDArray[] norms = new NDArray[grads.length];
    for (int i = 0; i < grads.length; i++) {
      norms[i] = grads[i].norm();
    }
    float norm = NDArrays.stack(new NDList(norms)).norm().getFloat();
    if (norm > maxNorm) {
      float factor = (float) (maxNorm / (norm + 1e-6));
      // muli(Number) reads its Java-buffer scalar only during this call (in place, autograd
      // off), so unlike a scalar in the forward pass it cannot be read after the GC frees it.
      for (NDArray grad : grads) {
        grad.muli(factor);
      }
    }
  }
}
