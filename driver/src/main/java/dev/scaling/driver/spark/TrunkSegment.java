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
 * @param stopStep the fork step this segment ends at
 * @param branchIds the trials whose cooldowns start at {@code stopStep}
 */
public record TrunkSegment(Trial trunk, long stopStep, List<String> branchIds)
    implements Serializable {
  public TrunkSegment {
    InvariantViolation.check(
        trunk != null && trunk.branched() && stopStep > 0 && stopStep < trunk.steps(),
        "a trunk segment needs a branched trial and a stop step before its end, found " + stopStep);
    branchIds = List.copyOf(branchIds);
  }
}
