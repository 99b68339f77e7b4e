package dev.scaling.driver.plan;

import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.worker.model.ModelFamilies;
import dev.scaling.worker.model.ModelFamily;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Expands a sweep spec's grid into trials and orders them for the scheduler. Pure: no Spark, no
 * I/O. The spec's {@code model.family} is looked up here, so an unknown family stops the run before
 * Spark starts, and each trial carries the parameter counts its family states.
 */
public final class Planner {
  private Planner() {}

  /** Cost order: descending 6ND, then descending total parameters x D, then trial id (stable). */
  static final Comparator<Trial> BY_DESCENDING_COST =
      Comparator.comparingDouble(Trial::flops)
          .thenComparingDouble(t -> (double) t.nParamsTotal() * t.tokens())
          .reversed()
          .thenComparing(Trial::trialId);

  /**
   * Every grid point as a trial, most expensive first.
   *
   * @throws dev.scaling.common.spec.SpecException when {@code model.family} names no registered
   *     family
   */
  public static Plan plan(SweepSpec spec) {
    ModelFamily family = ModelFamilies.named(spec.model().family());
    List<Trial> trials = new ArrayList<>(spec.grid().size());
    for (int width : spec.grid().width()) {
      for (int depth : spec.grid().depth()) {
        for (long tokens : spec.grid().tokens()) {
          for (TrainingSpec training : trainings(spec)) {
            for (int replica : spec.grid().seeds()) {
              TrialConfig config =
                  new TrialConfig(
                      spec.seed(),
                      family.name(),
                      width,
                      depth,
                      width / spec.model().headSize(),
                      spec.model().context(),
                      tokens,
                      replica,
                      spec.data(),
                      training);
              trials.add(ModelFamilies.trial(spec.name(), config));
            }
          }
        }
      }
    }
    trials.sort(BY_DESCENDING_COST);
    return new Plan(spec, trials);
  }

  /**
   * The training settings per learning rate of the grid (just the spec's when the grid names none).
   */
  private static List<TrainingSpec> trainings(SweepSpec spec) {
    TrainingSpec t = spec.training();
    if (spec.grid().learningRate().isEmpty()) {
      return List.of(t);
    }
    return spec.grid().learningRate().stream().map(t::withLearningRate).toList();
  }
}
