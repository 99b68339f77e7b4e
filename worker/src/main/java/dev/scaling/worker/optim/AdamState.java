package dev.scaling.worker.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.scaling.common.spec.InvariantViolation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Adam's state for the parameters of one model: the first and second moment of each parameter's
 * gradient (engine arrays shaped like the parameter) and the number of updates applied so far (bias
 * correction). {@link #saved()} copies it to the host for a checkpoint and {@link #restore} puts
 * such a copy back, bit for bit.
 */
public final class AdamState {
  private final NDArray[] means;
  private final NDArray[] variances;
  private long steps;

  private AdamState(NDArray[] means, NDArray[] variances) {
    this.means = means;
    this.variances = variances;
  }

  /** A fresh state (zero moments, no update yet) for {@code weights}, on the weights' managers. */
  public static AdamState zerosLike(List<NDArray> weights) {
    NDArray[] means = new NDArray[weights.size()];
    NDArray[] variances = new NDArray[weights.size()];
    for (int i = 0; i < weights.size(); i++) {
      means[i] = weights.get(i).zerosLike();
      variances[i] = weights.get(i).zerosLike();
    }
    return new AdamState(means, variances);
  }

  /** Updates applied so far. */
  public long steps() {
    return steps;
  }

  /** Counts one more update and returns the new count (Adam's bias correction uses it). */
  long advance() {
    return ++steps;
  }

  /** Number of parameters this state covers. */
  public int size() {
    return means.length;
  }

  NDArray mean(int i) {
    return means[i];
  }

  NDArray variance(int i) {
    return variances[i];
  }

  /** A host copy of the state, e.g. for a checkpoint. */
  public Saved saved() {
    List<float[]> m = new ArrayList<>(means.length);
    List<float[]> v = new ArrayList<>(variances.length);
    for (int i = 0; i < means.length; i++) {
      m.add(means[i].toFloatArray());
      v.add(variances[i].toFloatArray());
    }
    return new Saved(steps, m, v);
  }

  /**
   * Replaces this state by {@code saved}, which must cover the same parameters in the same order.
   *
   * @param saved a copy taken by {@link #saved()} of a state of the same model
   * @param manager a manager for the temporary host-to-engine copies
   */
  public void restore(Saved saved, NDManager manager) {
    InvariantViolation.check(
        saved.means().size() == means.length,
        "restoring Adam state for "
            + saved.means().size()
            + " parameters into one of "
            + means.length);
    for (int i = 0; i < means.length; i++) {
      Shape shape = means[i].getShape();
      InvariantViolation.check(
          saved.means().get(i).length == shape.size(),
          "Adam state of parameter "
              + i
              + " has "
              + saved.means().get(i).length
              + " values for shape "
              + shape);
      try (NDManager temp = manager.newSubManager()) {
        means[i].set(new NDIndex("..."), temp.create(saved.means().get(i), shape));
        variances[i].set(new NDIndex("..."), temp.create(saved.variances().get(i), shape));
      }
    }
    steps = saved.steps();
  }

  /**
   * A host copy of an {@link AdamState}.
   *
   * @param steps updates applied
   * @param means each parameter's first moment, flattened, in the model's parameter order
   * @param variances each parameter's second moment, flattened, same order and sizes as {@code
   *     means}
   */
  public record Saved(long steps, List<float[]> means, List<float[]> variances) {
    public Saved {
      InvariantViolation.check(steps >= 0, "Adam's step count must be >= 0, found " + steps);
      InvariantViolation.check(
          means.size() == variances.size(),
          "Adam state has " + means.size() + " first and " + variances.size() + " second moments");
      for (int i = 0; i < means.size(); i++) {
        InvariantViolation.check(
            means.get(i).length == variances.get(i).length,
            "Adam moments of parameter " + i + " differ in size");
      }
      means = List.copyOf(means);
      variances = List.copyOf(variances);
    }

    /** Whether {@code other} holds the same step count and bitwise the same moments. */
    public boolean sameAs(Saved other) {
      if (steps != other.steps || means.size() != other.means.size()) {
        return false;
      }
      for (int i = 0; i < means.size(); i++) {
        if (!Arrays.equals(means.get(i), other.means.get(i))
            || !Arrays.equals(variances.get(i), other.variances.get(i))) {
          return false;
        }
      }
      return true;
    }
  }
}
