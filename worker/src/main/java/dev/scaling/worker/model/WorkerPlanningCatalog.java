package dev.scaling.worker.model;

import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.trial.ModelShape;
import dev.scaling.common.trial.ParamCounts;
import dev.scaling.common.trial.PlanningCatalog;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.worker.data.DataSources;

/**
 * The worker's {@link PlanningCatalog}, listed in {@code META-INF/services}: the vocabulary from
 * {@link DataSources}, parameter counts and trials from {@link ModelFamilies}.
 */
public final class WorkerPlanningCatalog implements PlanningCatalog {

  @Override
  public int vocab(DataSpec data) {
    return DataSources.vocab(data);
  }

  @Override
  public ParamCounts paramCounts(String family, ModelShape shape) {
    return ModelFamilies.named(family).paramCounts(shape);
  }

  @Override
  public Trial trial(String sweepName, TrialConfig config) {
    return ModelFamilies.trial(sweepName, config);
  }
}
