package dev.scaling.common.source;

import dev.scaling.common.spec.SpecBlock;
import dev.scaling.common.spec.SpecException;
import java.util.Set;

/**
 * The spec side of one kind of training data, selected by {@code data.source}: the keys of the
 * {@code data} block it owns, and the parse and validation of them into its own {@link
 * SourceSettings} record (as a block factory receives its arguments). A new source is one class
 * implementing this and one {@link DataSourceKinds#register} call, plus its runtime in the worker
 * ({@code dev.scaling.worker.data.TokenSource}, registered with {@code DataSources.register});
 * neither {@link dev.scaling.common.spec.DataSpec} nor the parser changes.
 */
public interface DataSourceKind {

  /** The {@code data.source} value that selects it, e.g. {@code parquet}. */
  String name();

  /**
   * The keys of the {@code data} block this kind reads (flat keys or the name of its own
   * sub-block); the parser refuses them under any other source, naming this one.
   */
  default Set<String> keys() {
    return Set.of();
  }

  /** The class of this kind's settings, or null for a kind without settings of its own. */
  default Class<? extends SourceSettings> settingsType() {
    return null;
  }

  /**
   * This kind's settings, read from the {@code data} block (only from its {@link #keys()}).
   *
   * @return the settings, an instance of {@link #settingsType()}; null for a kind without settings
   * @throws SpecException naming the field, the rule and the value
   */
  default SourceSettings parse(SpecBlock data) {
    return null;
  }
}
