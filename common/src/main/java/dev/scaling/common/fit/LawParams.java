package dev.scaling.common.fit;

import java.util.Map;
import java.util.Optional;

/**
 * The fitted parameters of one law: a typed record per form, able to predict a loss and to list its
 * parameters by their published names (for tables and JSON).
 */
public interface LawParams {
  /** The form these parameters belong to. */
  LawForm form();

  /** Predicted loss for a model of {@code n} parameters trained on {@code d} tokens. */
  double predict(double n, double d);

  /** Parameters by published name, in a stable order. */
  Map<String, Double> named();

  /** The unconstrained vector the optimiser works in. */
  double[] toTheta();

  /**
   * The compute-optimal allocation these parameters imply; empty for a law that implies none, or
   * where a parameter at its bound leaves it undefined.
   */
  default Optional<ComputeOptimal> computeOptimal() {
    return Optional.empty();
  }
}
