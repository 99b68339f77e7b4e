package dev.scaling.common.trial;

import java.io.Serializable;

/**
 * A trial together with its result and where it ran: one row of the trials table. Built by the
 * driver's Spark task from the worker's {@link TrialResult} and the task's context.
 *
 * @param trial the trial as planned
 * @param result what the worker returned
 * @param runId id of the submission that trained it (the Spark application id)
 * @param executorId the Spark executor that ran the final attempt ({@code driver} in local mode)
 * @param host host name of that executor
 * @param attempt Spark's attempt number of the task that produced this result (0 = first)
 * @param provenance what produced the result (application, library and JVM versions, threads); null
 *     only in commit files written before provenance was recorded
 */
public record TrialOutcome(
    Trial trial,
    TrialResult result,
    String runId,
    String executorId,
    String host,
    int attempt,
    Provenance provenance)
    implements Serializable {
  public TrialOutcome {
    if (trial == null || result == null) {
      throw new IllegalArgumentException("trial and result must be present");
    }
    if (!trial.trialId().equals(result.trialId())) {
      throw new IllegalArgumentException(
          "result.trial_id must equal trial.trial_id ("
              + trial.trialId()
              + "), found "
              + result.trialId());
    }
  }
}
