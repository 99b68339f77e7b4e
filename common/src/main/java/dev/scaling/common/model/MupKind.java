package dev.scaling.common.model;

import dev.scaling.common.spec.SpecBlock;
import java.util.Set;

/**
 * The maximal update parametrization, {@code model.parametrization: mup}: its one setting ({@link
 * MupSettings}) is the flat key {@code model.base_width}, {@value MupSettings#DEFAULT_BASE_WIDTH}
 * when omitted.
 */
public final class MupKind implements ParametrizationKind {
  /** The name {@code model.parametrization} selects it by. */
  public static final String NAME = "mup";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> keys() {
    return Set.of("base_width");
  }

  @Override
  public Class<MupSettings> settingsType() {
    return MupSettings.class;
  }

  @Override
  public MupSettings parse(SpecBlock model) {
    return new MupSettings(model.intValue("base_width", MupSettings.DEFAULT_BASE_WIDTH));
  }
}
