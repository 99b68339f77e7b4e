package dev.scaling.common.trial;

import dev.scaling.common.spec.InvariantViolation;
import java.io.Serializable;

/**
 * What a worker returns for one segment of a trunk (a constant-learning-rate run shared by the
 * branches of one model, see {@link Trial#trunkId()}): how far the trunk got and how. A {@link
 * TrialStatus#FINISHED} segment reached its stop step and wrote the fork checkpoints of the
 * branches forking there; a {@link TrialStatus#DIVERGED} one stopped at the step in {@code error},
 * and every branch that had not forked yet diverged with it.
 *
 * @param trunkId the trunk
 * @param status FINISHED (reached {@code stepsDone}), DIVERGED or FAILED
 * @param stepsDone the trunk's optimizer steps completed (its checkpoint's step)
 * @param resumedFromStep the trunk checkpoint step this segment started from (0: from scratch)
 * @param error what went wrong, null when finished
 * @param wallSeconds wall time of this segment's attempt
 * @param device the DJL device the segment ran on
 */
public record TrunkResult(
    String trunkId,
    TrialStatus status,
    long stepsDone,
    long resumedFromStep,
    String error,
    double wallSeconds,
    String device)
    implements Serializable {
  public TrunkResult {
    InvariantViolation.check(
        trunkId != null && status != null, "a trunk result needs a trunk id and a status");
    InvariantViolation.check(
        resumedFromStep >= 0 && resumedFromStep <= stepsDone,
        "a trunk segment resumes at or before the step it reached, found "
            + resumedFromStep
            + " > "
            + stepsDone);
  }

  /** Optimizer steps this segment trained itself. */
  public long stepsTrained() {
    return stepsDone - resumedFromStep;
  }
}
