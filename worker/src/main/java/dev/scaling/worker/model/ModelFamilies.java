package dev.scaling.worker.model;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.ParametrizationSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.worker.data.DataSources;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry of model families, keyed by {@code model.family}: one {@code register} line per
 * family.
 */
public final class ModelFamilies {
  private static final List<ModelFamily> REGISTERED = new ArrayList<>();

  static {
    register(new TransformerFamily());
  }

  private ModelFamilies() {}

  private static void register(ModelFamily family) {
    InvariantViolation.check(
        !names().contains(family.name()), "model family " + family.name() + " is registered twice");
    REGISTERED.add(family);
  }

  /** The registered names, in registration order. */
  public static List<String> names() {
    return REGISTERED.stream().map(ModelFamily::name).toList();
  }

  /**
   * The family called {@code name}.
   *
   * @throws SpecException naming {@code model.family}, the registered names and the value
   */
  public static ModelFamily named(String name) {
    for (ModelFamily f : REGISTERED) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new SpecException("model.family", "one of " + names(), name);
  }

  /**
   * A trial of {@code config}, carrying its data source's vocabulary and its family's parameter
   * counts.
   *
   * @throws SpecException when the family or the parametrization is not registered, or the family
   *     cannot scale with width and the parametrization is not the standard one
   */
  public static Trial trial(String sweepName, TrialConfig config) {
    int vocab = DataSources.vocab(config.data());
    ModelFamily family = named(config.family());
    ParametrizationSpec p = config.parametrization();
    if (p != null) {
      Parametrizations.named(p.name());
      if (!family.scalesWithWidth() && !p.name().equals(ParametrizationSpec.STANDARD)) {
        throw new SpecException(
            "model.parametrization",
            "standard for model family " + family.name() + " (it has no width scaling)",
            p.name());
      }
    }
    return Trial.of(sweepName, config, vocab, family.paramCounts(config.shape(vocab)));
  }

  /** The uninitialised model of {@code trial}, built by its family under its parametrization. */
  public static LanguageModel build(Trial trial) {
    return named(trial.family()).build(trial.shape(), Parametrizations.scaling(trial));
  }
}
