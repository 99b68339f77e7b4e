package dev.scaling.common.spec;

import java.util.Set;

/**
 * The spec side every kind shares (a schedule, a data source, a tokenizer, a parametrization, a
 * model family): its name, the keys of its block it owns, and the parse and validation of them into
 * its own settings record, as DJL's block factories receive their arguments. Each kind's interface
 * extends this with what only that kind knows; {@link KindRegistry} holds them by name.
 *
 * @param <S> the kind's settings type
 */
public interface SettingsKind<S extends KindSettings> {

  /** The value of the spec key that selects it, e.g. {@code wsd} or {@code parquet}. */
  String name();

  /**
   * The keys of its block this kind reads (flat keys or the name of its own sub-block); the parser
   * refuses them under any other kind of the same key, naming this one.
   */
  default Set<String> keys() {
    return Set.of();
  }

  /** The class of this kind's settings, or null for a kind without settings of its own. */
  default Class<? extends S> settingsType() {
    return null;
  }

  /**
   * This kind's settings, read from its block (only from its {@link #keys()}).
   *
   * @return the settings, an instance of {@link #settingsType()}; null for a kind without settings
   * @throws SpecException naming the field, the rule and the value
   */
  default S parse(SpecBlock block) {
    return null;
  }
}
