package dev.scaling.common.source;

import dev.scaling.common.spec.PowerLawSpec;
import dev.scaling.common.spec.SpecBlock;
import java.util.Set;

/**
 * The power-law source, {@code data.source: powerlaw}: its settings ({@link PowerLawSpec}) are the
 * optional {@code data.powerlaw} block, defaults for every key it omits.
 */
public final class PowerLawKind implements DataSourceKind {
  /** The name {@code data.source} selects it by. */
  public static final String NAME = "powerlaw";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> keys() {
    return Set.of("powerlaw");
  }

  @Override
  public Class<PowerLawSpec> settingsType() {
    return PowerLawSpec.class;
  }

  @Override
  public PowerLawSpec parse(SpecBlock data) {
    if (!data.has("powerlaw")) {
      return PowerLawSpec.DEFAULT;
    }
    SpecBlock p = data.child("powerlaw");
    PowerLawSpec d = PowerLawSpec.DEFAULT;
    PowerLawSpec spec =
        new PowerLawSpec(
            p.intValue("skills", d.skills()),
            p.intValue("inputs", d.inputs()),
            p.intValue("outputs", d.outputs()),
            p.intValue("pairs", d.pairs()),
            p.doubleValue("exponent", d.exponent()),
            p.doubleValue("noise", d.noise()));
    p.rejectUnknown(Set.of("skills", "inputs", "outputs", "pairs", "exponent", "noise"));
    return spec;
  }
}
