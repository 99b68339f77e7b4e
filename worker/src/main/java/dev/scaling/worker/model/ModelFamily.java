package dev.scaling.worker.model;

import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.ModelShape;
import dev.scaling.common.trial.ParamCounts;

/**
 * One kind of model a sweep can train, chosen by {@code model.family}: it builds the DJL block and
 * states its parameter counts, which the planner carries on each trial for 6ND, D/N and the fits. A
 * new family is its spec side ({@link dev.scaling.common.model.ModelFamilyKind}, which parses its
 * own settings, carried as {@code TrialConfig.familySettings()}) plus one class implementing this,
 * registered with {@link ModelFamilies#register}.
 */
public interface ModelFamily {

  /** The {@code model.family} value that selects this family. */
  String name();

  /**
   * The family's parameter counts for {@code shape}: Kaplan's non-embedding N, and the total, which
   * must equal {@link LanguageModel#parameterCount()} of {@link #build(ModelShape)}.
   */
  ParamCounts paramCounts(ModelShape shape);

  /** An uninitialised model of {@code shape}. */
  LanguageModel build(ModelShape shape);

  /**
   * An uninitialised model of {@code shape} under the width multipliers {@code scaling} of a {@link
   * Parametrization}. A family that knows no width scaling builds only standard models.
   *
   * @throws SpecException naming {@code model.parametrization} for a non-standard scaling
   */
  default LanguageModel build(ModelShape shape, WidthScaling scaling) {
    if (!scaling.isStandard(shape.width() / shape.heads())) {
      throw new SpecException(
          "model.parametrization",
          "standard for model family " + name() + " (it has no width scaling)",
          scaling);
    }
    return build(shape);
  }

  /** Whether {@link #build(ModelShape, WidthScaling)} accepts non-standard scalings. */
  default boolean scalesWithWidth() {
    return false;
  }
}
