package dev.scaling.driver.plan;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.trial.Trial;
import java.util.Comparator;
import java.util.List;

/**
 * The trials of one model (shape, learning rate, replica) under a branching schedule, which differ
 * only in their token count D: one constant-learning-rate run (the trunk, trained as far as its
 * last fork) and a cooldown per D branched off it at that D's fork step. The trunk is the run of
 * its longest branch, so every branch shares its schedule before its own fork.
 *
 * @param trunkId the branches' {@link Trial#trunkId()}
 * @param branches every branch of the trunk in the plan, by ascending fork step
 */
public record Trunk(String trunkId, List<Trial> branches) {
  public Trunk {
    InvariantViolation.check(
        trunkId != null && branches != null && !branches.isEmpty(),
        "a trunk needs an id and at least one branch");
    branches =
        branches.stream()
            .sorted(Comparator.comparingLong(Trial::forkStep).thenComparing(Trial::trialId))
            .toList();
    for (Trial b : branches) {
      InvariantViolation.check(
          trunkId.equals(b.trunkId()), "trial " + b.trialId() + " is no branch of " + trunkId);
    }
  }

  /** The run the trunk follows: its longest branch (the last fork). */
  public Trial longest() {
    return branches.stream().max(Comparator.comparingLong(Trial::steps)).orElseThrow();
  }

  /** The trunk's last fork: how far it trains when every branch is needed. */
  public long lastFork() {
    return branches.get(branches.size() - 1).forkStep();
  }

  /** 6N x tokens of one optimizer step of this model (every branch has the same N). */
  public double flopsPerStep() {
    return flopsPerStep(branches.get(0));
  }

  /** 6N x tokens of one optimizer step of {@code t}. */
  public static double flopsPerStep(Trial t) {
    return 6.0 * t.nParams() * t.tokensPerStep();
  }

  /** FLOPs of the trunk and every cooldown: 6N x tokens of (last fork + every cooldown's steps). */
  public double flops() {
    long steps = lastFork();
    for (Trial b : branches) {
      steps += b.steps() - b.forkStep();
    }
    return flopsPerStep() * steps;
  }

  /** FLOPs of the same points trained as independent runs: 6N x the tokens of every branch. */
  public double independentFlops() {
    return flopsPerStep() * branches.stream().mapToLong(Trial::steps).sum();
  }
}
