package dev.scaling.worker.model;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.ParametrizationSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.worker.data.DataSources;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The registry of model families, keyed by {@code model.family}: one {@code register} line per
 * family.
 */
public final class ModelFamilies {
  private static final List<ModelFamily> REGISTERED = new CopyOnWriteArrayList<>();

  static {
    register(new TransformerFamily());
  }

  private ModelFamilies() {}

  /**
   * Registers the runtime of {@code family}, whose spec side is registered in {@code
   * dev.scaling.common.model.ModelFamilyKinds}. Registering another instance of the same class
   * again is a no-op (a test may register it from several test classes).
   *
   * @throws InvariantViolation when another class already holds the name
   */
  public static synchronized void register(ModelFamily family) {
    for (ModelFamily earlier : REGISTERED) {
      if (earlier.name().equals(family.name())) {
        InvariantViolation.check(
            earlier.getClass() == family.getClass(),
            "model family " + family.name() + " is registered twice");
        return;
      }
    }
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
