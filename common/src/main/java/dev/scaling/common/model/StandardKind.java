package dev.scaling.common.model;

/**
 * The standard parametrization, {@code model.parametrization: standard} (the default): no settings,
 * and a spec naming it holds no parametrization section at all, so its trial ids are those it
 * always had.
 */
public final class StandardKind implements ParametrizationKind {
  /** The name {@code model.parametrization} selects it by. */
  public static final String NAME = "standard";

  @Override
  public String name() {
    return NAME;
  }
}
