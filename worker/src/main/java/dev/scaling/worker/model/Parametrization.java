package dev.scaling.worker.model;

import dev.scaling.common.model.ParametrizationSettings;

/**
 * The runtime side of a parametrization: how a model's initialisation, output multiplier, attention
 * scale and per-parameter learning rates scale with its width ({@code model.parametrization}). A
 * new parametrization is its spec side ({@link dev.scaling.common.model.ParametrizationKind}, which
 * parses its settings) plus one class implementing this, registered with {@link
 * Parametrizations#register}.
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
   * @param settings the parametrization's own settings, parsed by its spec-side kind (e.g. {@link
   *     dev.scaling.common.model.MupSettings}); null for a parametrization without settings
   */
  WidthScaling scaling(int width, int headSize, ParametrizationSettings settings);
}
