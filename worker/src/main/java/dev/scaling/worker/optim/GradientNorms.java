package dev.scaling.worker.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * The squared L2 norm of a model's gradients taken together, read without changing them: what the
 * trainer feeds {@link NoiseScale} (and what the bench times as its cost).
 */
public final class GradientNorms {
  private GradientNorms() {}

  /**
   * The squared L2 norm of all of {@code arrays} together: one norm per array on the engine (new
   * arrays on each input's manager), their squares summed here in double. Call it with autograd
   * off.
   */
  public static double squaredNorm(NDArray[] arrays) {
    NDArray[] norms = new NDArray[arrays.length];
    for (int i = 0; i < arrays.length; i++) {
      norms[i] = arrays[i].norm();
    }
    double sum = 0;
    for (float norm : NDArrays.stack(new NDList(norms)).toFloatArray()) {
      sum += (double) norm * norm;
    }
    return sum;
  }
}
