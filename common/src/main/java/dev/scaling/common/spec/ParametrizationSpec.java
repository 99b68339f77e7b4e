package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.model.MupKind;
import dev.scaling.common.model.MupSettings;
import dev.scaling.common.model.ParametrizationKind;
import dev.scaling.common.model.ParametrizationKinds;
import dev.scaling.common.model.ParametrizationSettings;
import dev.scaling.common.model.StandardKind;
import java.io.Serializable;
import java.lang.reflect.RecordComponent;
import java.util.StringJoiner;

/**
 * How a model's initialisation, multipliers and per-parameter learning rates scale with its width
 * ({@code model.parametrization}): the parametrization's name and its own settings, parsed by its
 * {@link ParametrizationKind} (e.g. {@link MupSettings}: {@code model.base_width}), so a new
 * parametrization needs no field here. A spec without the key (the standard parametrization)
 * carries no such section at all, so its trial ids are those it always had.
 *
 * <p>Trial ids and commit files: the walk lists this record through {@link #walkForm()}, the layout
 * it had before parametrizations owned their settings ({@code parametrization.name}, {@code
 * parametrization.base_width}), so every existing id stays as it was.
 *
 * @param name the parametrization, a name registered in {@link ParametrizationKinds}, e.g. {@code
 *     mup}
 * @param settings its own settings; present exactly when its kind has settings
 */
public record ParametrizationSpec(String name, ParametrizationSettings settings)
    implements Serializable, WalkForm {

  /** The name of the standard parametrization (the default, written as no section at all). */
  public static final String STANDARD = StandardKind.NAME;

  public ParametrizationSpec {
    ParametrizationKind kind = ParametrizationKinds.kind(name);
    Class<? extends ParametrizationSettings> type = kind.settingsType();
    if (type == null) {
      require(
          settings == null,
          "model.parametrization",
          "a parametrization that reads the settings given (" + name + " has no settings)",
          name);
    } else {
      require(
          type.isInstance(settings),
          "model.parametrization",
          name + " exactly when its settings are given",
          name);
    }
  }

  /** muP with base width {@code baseWidth}. */
  public static ParametrizationSpec mup(int baseWidth) {
    return new ParametrizationSpec(MupKind.NAME, new MupSettings(baseWidth));
  }

  /**
   * The parametrization's own settings as {@code type}.
   *
   * @throws InvariantViolation when it has settings of another type or none
   */
  public <S extends ParametrizationSettings> S settings(Class<S> type) {
    InvariantViolation.check(
        type.isInstance(settings),
        "parametrization " + name + " has no settings of type " + type.getSimpleName());
    return type.cast(settings);
  }

  /** The parametrization's name, or {@link #STANDARD} for null (no section). */
  public static String nameOf(ParametrizationSpec spec) {
    return spec == null ? STANDARD : spec.name();
  }

  /**
   * A short label for tables and reports: {@code standard}, or the name and its settings' fields,
   * e.g. {@code mup(base_width=32)}.
   */
  public static String labelOf(ParametrizationSpec spec) {
    if (spec == null) {
      return STANDARD;
    }
    if (spec.settings() == null) {
      return spec.name();
    }
    StringJoiner fields = new StringJoiner(", ", spec.name() + "(", ")");
    for (RecordComponent c : spec.settings().getClass().getRecordComponents()) {
      try {
        var accessor = c.getAccessor();
        accessor.setAccessible(true);
        fields.add(snake(c.getName()) + "=" + accessor.invoke(spec.settings()));
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new InvariantViolation("cannot read " + c.getName() + " of " + spec, e);
      }
    }
    return fields.toString();
  }

  private static String snake(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The leaves trial ids hash for this parametrization: its name, then muP's base width as the flat
   * {@code base_width} it always was; the settings of any other parametrization follow under its
   * name (e.g. {@code parametrization.foo.alpha}).
   */
  @Override
  public V1Leaves walkForm() {
    return new V1Leaves(
        name,
        settings instanceof MupSettings m ? m.baseWidth() : null,
        settings instanceof MupSettings ? null : settings);
  }

  /**
   * The walk form of a parametrization (see {@link ParametrizationSpec#walkForm()}): its components
   * are the leaves, in the order, that trial ids hash. Commit files hold the same fields.
   *
   * @param name the parametrization's name
   * @param baseWidth muP's base width; absent for every other parametrization
   * @param settings the settings of a parametrization other than muP, absent for none
   */
  public record V1Leaves(
      String name,
      @OmitWhenNull Integer baseWidth,
      @OmitWhenNull ParametrizationSettings settings) {

    /** The parametrization these leaves list, the inverse of {@link #walkForm()}. */
    public ParametrizationSpec toSpec() {
      ParametrizationSettings own =
          name.equals(MupKind.NAME)
              ? new MupSettings(baseWidth == null ? MupSettings.DEFAULT_BASE_WIDTH : baseWidth)
              : settings;
      return new ParametrizationSpec(name, own);
    }
  }
}
