package dev.scaling.worker.model;

import dev.scaling.common.model.ParametrizationSettings;
import dev.scaling.common.model.StandardKind;

/**
 * The standard parametrization (GPT-2 style): every weight matrix normal(0, 0.02), attention logits
 * scaled by 1/sqrt(head size), one learning rate for every parameter, whatever the width.
 */
public final class StandardParametrization implements Parametrization {
  /** Its {@code model.parametrization} value (the default). */
  public static final String NAME = StandardKind.NAME;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public WidthScaling scaling(int width, int headSize, ParametrizationSettings settings) {
    return WidthScaling.standard(headSize);
  }
}
