package dev.scaling.worker.model;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.ParametrizationSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.Trial;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The registry of parametrizations, keyed by {@code model.parametrization}: one {@code register}
 * line per parametrization. The planner asks it for every trial, so a bad name fails before Spark
 * starts.
 */
public final class Parametrizations {
  private static final List<Parametrization> REGISTERED = new CopyOnWriteArrayList<>();

  static {
    register(new StandardParametrization());
    register(new MupParametrization());
  }

  private Parametrizations() {}

  /**
   * Registers the runtime of {@code p}, whose spec side is registered in {@code
   * dev.scaling.common.model.ParametrizationKinds}. Registering another instance of the same class
   * again is a no-op (a test may register it from several test classes).
   *
   * @throws InvariantViolation when another class already holds the name
   */
  public static synchronized void register(Parametrization p) {
    for (Parametrization earlier : REGISTERED) {
      if (earlier.name().equals(p.name())) {
        InvariantViolation.check(
            earlier.getClass() == p.getClass(),
            "parametrization " + p.name() + " is registered twice");
        return;
      }
    }
    REGISTERED.add(p);
  }

  /** The registered names, in registration order. */
  public static List<String> names() {
    return REGISTERED.stream().map(Parametrization::name).toList();
  }

  /**
   * The parametrization called {@code name}.
   *
   * @throws SpecException naming {@code model.parametrization}, the registered names and the value
   */
  public static Parametrization named(String name) {
    for (Parametrization p : REGISTERED) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new SpecException("model.parametrization", "one of " + names(), name);
  }

  /**
   * The multipliers of a model of {@code width} and {@code headSize} under {@code spec} (null: the
   * standard parametrization).
   */
  public static WidthScaling scaling(ParametrizationSpec spec, int width, int headSize) {
    if (spec == null) {
      return WidthScaling.standard(headSize);
    }
    return named(spec.name()).scaling(width, headSize, spec.settings());
  }

  /** The multipliers of {@code trial}'s model. */
  public static WidthScaling scaling(Trial trial) {
    return scaling(trial.parametrization(), trial.width(), trial.width() / trial.heads());
  }
}
