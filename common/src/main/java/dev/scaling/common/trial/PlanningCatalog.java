package dev.scaling.common.trial;

import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.SpecException;
import java.util.List;
import java.util.ServiceLoader;

/**
 * What planning needs from the kinds the worker registers (data sources and tokenizers for the
 * vocabulary, model families for parameter counts, parametrizations for the width rules), behind an
 * interface here: the worker implements it and lists the implementation in {@code
 * META-INF/services}, and {@link #get()} finds it with {@link ServiceLoader}, so the driver's
 * planner imports no worker class and {@code common} stays free of DJL.
 */
public interface PlanningCatalog {

  /**
   * The vocabulary a model of {@code data} needs (every token id is below it).
   *
   * @throws SpecException naming the data field at fault (an unknown source or tokenizer, say)
   */
  int vocab(DataSpec data);

  /**
   * The parameter counts of {@code family}'s model of {@code shape}.
   *
   * @throws SpecException naming {@code model.family} when no such family is registered
   */
  ParamCounts paramCounts(String family, ModelShape shape);

  /**
   * A trial of {@code config}, carrying its data's vocabulary and its family's parameter counts.
   *
   * @throws SpecException when the family or the parametrization is not registered, or the family
   *     cannot scale with width under the parametrization named
   */
  Trial trial(String sweepName, TrialConfig config);

  /**
   * The one catalog on the class path.
   *
   * @throws InvariantViolation when there is none (the worker is not on the class path) or several
   */
  static PlanningCatalog get() {
    return Loaded.CATALOG;
  }

  /** Loads the catalog once, on first use. */
  final class Loaded {
    private static final PlanningCatalog CATALOG = load();

    private Loaded() {}

    private static PlanningCatalog load() {
      List<PlanningCatalog> found =
          ServiceLoader.load(PlanningCatalog.class, PlanningCatalog.class.getClassLoader()).stream()
              .map(ServiceLoader.Provider::get)
              .toList();
      InvariantViolation.check(
          found.size() == 1,
          "expected one PlanningCatalog on the class path (the worker's), found " + found.size());
      return found.get(0);
    }
  }
}
