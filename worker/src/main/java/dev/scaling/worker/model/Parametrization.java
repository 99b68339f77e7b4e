package dev.scaling.worker.model;

/**
 * How a model's initialisation, output multiplier, attention scale and per-parameter learning rates
 * scale with its width ({@code model.parametrization}). A new parametrization is one class
 * implementing this plus one line in {@link Parametrizations}.
 */
public interface Parametrization {

  /** The {@code model.parametrization} value that selects it. */
  String name();

  /**
   * The multipliers for a model of {@code width} with heads of {@code headSize}.
   *
   * @param width the model's width (d_model)
   * @param headSize its attention head size ({@code model.head_size}: fixed across widths, so the
   *     head count grows with width)
   * @param baseWidth the width at which the parametrization equals the standard one ({@code
   *     model.base_width})
   */
  WidthScaling scaling(int width, int headSize, int baseWidth);
}
