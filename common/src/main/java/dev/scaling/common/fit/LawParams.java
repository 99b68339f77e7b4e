package dev.scaling.common.fit;

import java.util.Map;

/**
 * The fitted parameters of one law: a typed record per form, able to predict a loss and to list its
 * parameters by their published names (for tables and JSON).
 */
public sealed interface LawParams permits ChinchillaParams, KaplanParams, PowerLawParams {
  /** The form these parameters belong to. */
  LawForm form();

  /** Predicted loss for a model of {@code n} parameters trained on {@code d} tokens. */
  double predict(double n, double d);

  /** Parameters by published name, in a stable order. */
  Map<String, Double> named();

  /** The unconstrained vector the optimiser works in. */
  double[] toTheta();
}
