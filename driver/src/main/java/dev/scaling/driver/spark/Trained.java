package dev.scaling.driver.spark;

import dev.scaling.common.trial.TrialOutcome;
import java.util.List;

/**
 * What a {@link TrialExecutor} produced: one result type for both executors.
 *
 * @param runId this run's id ({@link SweepRunner#runId})
 * @param outcomes the outcomes of the trials this run committed
 * @param graph the task graph's schedule as it ran (trunk segments and branches), null for
 *     independent trials
 */
public record Trained(String runId, List<TrialOutcome> outcomes, TaskGraphRun graph) {
  public Trained {
    outcomes = List.copyOf(outcomes);
  }

  /** A run of independent trials. */
  public static Trained independent(String runId, List<TrialOutcome> outcomes) {
    return new Trained(runId, outcomes, null);
  }
}
