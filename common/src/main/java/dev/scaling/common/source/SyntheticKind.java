package dev.scaling.common.source;

import dev.scaling.common.spec.SpecBlock;
import dev.scaling.common.spec.SyntheticSpec;
import java.util.Set;

/**
 * The default source, {@code data.source: synthetic}: its settings ({@link SyntheticSpec}) are the
 * optional {@code data.synthetic} block, defaults for every key it omits.
 */
public final class SyntheticKind implements DataSourceKind {
  /** The name {@code data.source} selects it by. */
  public static final String NAME = "synthetic";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> keys() {
    return Set.of("synthetic");
  }

  @Override
  public Class<SyntheticSpec> settingsType() {
    return SyntheticSpec.class;
  }

  @Override
  public SyntheticSpec parse(SpecBlock data) {
    if (!data.has("synthetic")) {
      return SyntheticSpec.DEFAULT;
    }
    SpecBlock s = data.child("synthetic");
    SyntheticSpec d = SyntheticSpec.DEFAULT;
    SyntheticSpec spec =
        new SyntheticSpec(
            s.intValue("vocab", d.vocab()),
            s.intValue("order", d.order()),
            s.intValue("branching", d.branching()),
            s.doubleValue("zipf", d.zipf()));
    s.rejectUnknown(Set.of("vocab", "order", "branching", "zipf"));
    return spec;
  }
}
