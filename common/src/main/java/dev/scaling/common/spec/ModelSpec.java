package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.model.ModelFamilyKind;
import dev.scaling.common.model.ModelFamilyKinds;
import dev.scaling.common.model.ModelFamilySettings;
import java.io.Serializable;
import java.util.TreeSet;

/**
 * The model shared by every trial; width and depth come from the grid. The family and the
 * parametrization are kinds that own their settings: each parses its own keys of the {@code model}
 * block ({@link ModelFamilyKind}, {@link dev.scaling.common.model.ParametrizationKind}), so a new
 * family or parametrization needs no field here.
 *
 * @param family a model family registered in {@link ModelFamilyKinds} ({@code transformer}:
 *     decoder-only, pre-LayerNorm, causal); the worker's {@code ModelFamilies} builds it
 * @param context tokens per training window
 * @param headSize width of one attention head; heads = width / headSize
 * @param parametrization how initialisation and learning rates scale with width ({@code
 *     model.parametrization} and its settings, e.g. {@code model.base_width}); null for the
 *     standard parametrization, which adds nothing to the configuration walk, so existing trial ids
 *     stay as they were
 * @param familySettings the family's own settings, walked as {@code model.<family>.*}; present
 *     exactly when its kind has settings (the transformer has none)
 */
public record ModelSpec(
    String family,
    int context,
    int headSize,
    @OmitWhenNull ParametrizationSpec parametrization,
    @OmitWhenNull ModelFamilySettings familySettings)
    implements Serializable {

  /** A model section with the standard parametrization. */
  public ModelSpec(String family, int context, int headSize) {
    this(family, context, headSize, null, null);
  }

  /** A model section of a family without settings of its own. */
  public ModelSpec(String family, int context, int headSize, ParametrizationSpec parametrization) {
    this(family, context, headSize, parametrization, null);
  }

  public ModelSpec {
    require(family != null && !family.isBlank(), "model.family", "a model family name", family);
    require(context > 0 && context <= 8192, "model.context", "in [1, 8192]", context);
    require(headSize > 0, "model.head_size", "positive", headSize);
    ModelFamilyKind kind = ModelFamilyKinds.kind(family);
    Class<? extends ModelFamilySettings> type = kind.settingsType();
    if (type == null) {
      require(
          familySettings == null,
          "model.family",
          "a family that reads the settings given (" + family + " has no settings of its own)",
          family);
    } else {
      require(
          type.isInstance(familySettings),
          "model.family",
          family + " exactly when its settings " + new TreeSet<>(kind.keys()) + " are given",
          family);
    }
    parametrization = standardAsNull(parametrization);
  }

  /**
   * {@code p}, or null for the standard parametrization without settings: the one form it has in
   * specs and trials, so its trial ids stay as they were.
   */
  public static ParametrizationSpec standardAsNull(ParametrizationSpec p) {
    return p != null && p.settings() == null && p.name().equals(ParametrizationSpec.STANDARD)
        ? null
        : p;
  }

  /**
   * The family's own settings as {@code type}.
   *
   * @throws InvariantViolation when the family has settings of another type or none
   */
  public <S extends ModelFamilySettings> S familySettings(Class<S> type) {
    InvariantViolation.check(
        type.isInstance(familySettings),
        "model family " + family + " has no settings of type " + type.getSimpleName());
    return type.cast(familySettings);
  }
}
