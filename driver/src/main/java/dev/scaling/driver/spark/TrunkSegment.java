package dev.scaling.driver.spark;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.trial.Trial;
import java.io.Serializable;
import java.util.List;

/**
 * One Spark task of a trunk: train the trunk (the run of {@code trunk}, its longest branch) from
 * its newest checkpoint to {@code stopStep} and fork the branches {@code branchIds} there.
 *
 * @param trunk the trunk's longest branch, whose schedule the trunk follows
 * @param fromStep the step the segment is expected to resume from (the previous fork, a checkpoint,
 *     or 0), where its live row starts
 * @param stopStep the fork step this segment ends at
 * @param trunkSteps the trunk's whole length (its last fork), so its live row shows the step of the
 *     whole trunk rather than of this segment
 * @param branchIds the trials whose cooldowns start at {@code stopStep}
 */
public record TrunkSegment(
    Trial trunk, long fromStep, long stopStep, long trunkSteps, List<String> branchIds)
    implements Serializable {
  public TrunkSegment {
    InvariantViolation.check(
        trunk != null && trunk.branched() && stopStep > 0 && stopStep < trunk.steps(),
        "a trunk segment needs a branched trial and a stop step before its end, found " + stopStep);
    InvariantViolation.check(
        fromStep >= 0 && fromStep <= stopStep && stopStep <= trunkSteps,
        "a trunk segment runs from a step up to its stop step and stops within its trunk's "
            + trunkSteps
            + " steps, found steps "
            + fromStep
            + "-"
            + stopStep);
    branchIds = List.copyOf(branchIds);
  }
}
