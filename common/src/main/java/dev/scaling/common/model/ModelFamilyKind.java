package dev.scaling.common.model;

import dev.scaling.common.spec.SpecBlock;
import dev.scaling.common.spec.SpecException;
import java.util.Set;

/**
 * The spec side of one model family, selected by {@code model.family}: the keys of the {@code
 * model} block it owns (beyond {@code context} and {@code head_size}, which every family shares),
 * and the parse and validation of them into its own {@link ModelFamilySettings} record. A new
 * family is one class implementing this and one {@link ModelFamilyKinds#register} call, plus its
 * runtime in the worker ({@code dev.scaling.worker.model.ModelFamily}, registered with {@code
 * ModelFamilies.register}); neither {@link dev.scaling.common.spec.ModelSpec} nor the parser
 * changes.
 */
public interface ModelFamilyKind {

  /** The {@code model.family} value that selects it, e.g. {@code transformer}. */
  String name();

  /**
   * The keys of the {@code model} block this kind reads (flat keys or the name of its own
   * sub-block); the parser refuses them under any other family, naming this one.
   */
  default Set<String> keys() {
    return Set.of();
  }

  /** The class of this kind's settings, or null for a kind without settings of its own. */
  default Class<? extends ModelFamilySettings> settingsType() {
    return null;
  }

  /**
   * This kind's settings, read from the {@code model} block (only from its {@link #keys()}).
   *
   * @return the settings, an instance of {@link #settingsType()}; null for a kind without settings
   * @throws SpecException naming the field, the rule and the value
   */
  default ModelFamilySettings parse(SpecBlock model) {
    return null;
  }
}
