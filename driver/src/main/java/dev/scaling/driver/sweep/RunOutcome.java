package dev.scaling.driver.sweep;

import dev.scaling.common.curve.CurveLawForm;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.fit.FitOutcome;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.predict.BranchPredictions;
import java.util.List;

/**
 * What a run produced; tests and the exit code read it.
 *
 * @param runId this run's id (the Spark application id and the start time)
 * @param outDir the qualified OUT folder
 * @param plan the full plan of the spec
 * @param outcomes every committed trial in OUT after this run, earlier runs' included, in plan
 *     order
 * @param trainedThisRun how many trials this run trained
 * @param fit the laws fitted at the end, null when too few trials finished
 * @param wallSeconds wall time of the run
 * @param predictions the predicted branches (none unless the spec sets {@code
 *     training.predict_branches}), with their checks under {@code --verify-predictions}
 * @param phases how long each phase of the run took (what {@code ./sweep bench --scale} reports)
 */
public record RunOutcome(
    String runId,
    String outDir,
    Plan plan,
    List<TrialOutcome> outcomes,
    int trainedThisRun,
    FitOutcome fit,
    double wallSeconds,
    BranchPredictions predictions,
    Phases phases) {
  public RunOutcome {
    outcomes = List.copyOf(outcomes);
    predictions = predictions == null ? BranchPredictions.none(CurveLawForm.MPL) : predictions;
    phases = phases == null ? Phases.UNMEASURED : phases;
  }

  /**
   * Wall time of the phases of one run, in seconds (NaN where a phase did not run).
   *
   * @param resumeSeconds reading OUT's commits and deciding what still trains
   * @param trainSeconds training through the trial executor
   * @param tablesSeconds reading the commits back and writing {@code OUT/trials} and {@code
   *     OUT/curves}
   * @param fitSeconds the final fits and the report
   */
  public record Phases(
      double resumeSeconds, double trainSeconds, double tablesSeconds, double fitSeconds) {
    /** A run whose phases were not timed. */
    public static final Phases UNMEASURED =
        new Phases(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }

  /** The outcome of a plan-only request: nothing trained, committed or fitted. */
  public static RunOutcome planOnly(String outDir, Plan plan) {
    return new RunOutcome("plan-only", outDir, plan, List.of(), 0, null, 0, null, null);
  }

  /** Trials with the given status. */
  public long count(TrialStatus status) {
    return outcomes.stream().filter(o -> o.result().status() == status).count();
  }

  /** 0 when every trial finished, 3 when some failed or diverged. */
  public int exitCode() {
    return count(TrialStatus.FINISHED) == outcomes.size() ? 0 : 3;
  }
}
