package dev.scaling.worker.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.scaling.common.spec.InvariantViolation;
import java.util.List;

/**
 * Adam (beta1 0.9, beta2 0.999, eps 1e-8, no weight decay) with the bias correction folded into the
 * step size, on the PyTorch engine's fused kernel, exactly as DJL's {@code Adam} computes it;
 * unlike DJL's, its state is an explicit {@link AdamState} that a checkpoint can save and restore.
 */
public final class Adam {
  /** Decay of the first moment. */
  public static final float BETA1 = 0.9f;

  /** Decay of the second moment. */
  public static final float BETA2 = 0.999f;

  /** Added to the root of the second moment. */
  public static final float EPSILON = 1e-8f;

  private Adam() {}

  /**
   * Applies one update to {@code weights} in place, advances {@code state} and zeroes the weights'
   * gradients. Call it with autograd off.
   *
   * @param weights the parameters, in the order {@code state} was built for
   * @param grads their gradients (already clipped), same order
   * @param lr the learning rate of this update
   * @param state the moments and step count, updated in place
   */
  public static void update(List<NDArray> weights, NDArray[] grads, float lr, AdamState state) {
    update(weights, grads, lr, null, state);
  }

  /**
   * Applies one update as {@link #update(List, NDArray[], float, AdamState)} does, each parameter
   * at {@code lr} times its own multiplier (a parametrization's per-parameter learning rates, e.g.
   * muP's 1/width_mult for hidden matrices): the schedule sets {@code lr}, the multipliers scale
   * it. A multiplier of 1 gives exactly the update without multipliers.
   *
   * @param weights the parameters, in the order {@code state} was built for
   * @param grads their gradients (already clipped), same order
   * @param lr the scheduled learning rate of this update
   * @param multipliers one factor of {@code lr} per parameter, same order; null for all 1
   * @param state the moments and step count, updated in place
   */
  public static void update(
      List<NDArray> weights, NDArray[] grads, float lr, float[] multipliers, AdamState state) {
    InvariantViolation.check(
        multipliers == null || multipliers.length == grads.length,
        "Adam update of "
            + grads.length
            + " gradients with "
            + (multipliers == null ? 0 : multipliers.length)
            + " learning-rate multipliers");
    InvariantViolation.check(
        weights.size() == grads.length && grads.length == state.size(),
        "Adam update of "
            + weights.size()
            + " weights with "
            + grads.length
            + " gradients and state for "
            + state.size());
    long t = state.advance();
    double coef1 = 1.0 - Math.pow(BETA1, t);
    double coef2 = 1.0 - Math.pow(BETA2, t);
    for (int i = 0; i < grads.length; i++) {
      float lri = multipliers == null ? lr : lr * multipliers[i];
      float corrected = (float) (lri * Math.sqrt(coef2) / coef1);
      PtNDArray weight = (PtNDArray) weights.get(i);
      JniUtils.adamUpdate(
          weight,
          (PtNDArray) grads[i],
          (PtNDArray) state.mean(i),
          (PtNDArray) state.variance(i),
          lri,
          corrected,
          0f,
          1f,
          -1f,
          BETA1,
          BETA2,
          EPSILON,
          false);
      JniUtils.zeroGrad(weight);
    }
  }
}
