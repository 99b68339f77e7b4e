package dev.scaling.driver.spark;

import dev.scaling.common.trial.TrialStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The task graph's schedule as it ran: every trunk segment and branch with its steps, FLOPs and
 * times, from which the compute spent, the makespan and its lower bound follow (the wsd bench and
 * the run's closing line read them).
 *
 * @param tasks every task that ran, in completion order
 * @param slots the concurrent tasks the graph kept busy
 * @param independentFlops 6N x tokens of this run's branches trained as independent runs
 */
public record TaskGraphRun(List<TaskRun> tasks, int slots, double independentFlops) {
  public TaskGraphRun {
    tasks = List.copyOf(tasks);
  }

  /** Which kind of task ran. */
  public enum Kind {
    /** A trunk segment: constant learning rate up to a fork. */
    TRUNK,
    /** A branch: one grid point's cooldown from its fork to its end. */
    BRANCH
  }

  /**
   * One task of the graph as it ran.
   *
   * @param kind trunk segment or branch
   * @param trunkId the trunk
   * @param trialId the branch's trial, null for a segment
   * @param fromStep the step it started from (a checkpoint's, or 0)
   * @param toStep the step it ended at
   * @param flops 6N x tokens of the steps it trained
   * @param startSeconds when its job was submitted, seconds after the graph started
   * @param endSeconds when its job ended, seconds after the graph started
   * @param status how it ended
   */
  public record TaskRun(
      Kind kind,
      String trunkId,
      String trialId,
      long fromStep,
      long toStep,
      double flops,
      double startSeconds,
      double endSeconds,
      TrialStatus status) {
    /** Wall seconds of the task's job. */
    public double seconds() {
      return endSeconds - startSeconds;
    }
  }

  /** FLOPs this run trained: its segments' and branches' steps. */
  public double flopsSpent() {
    return tasks.stream().mapToDouble(TaskRun::flops).sum();
  }

  /** From the first task's start to the last one's end. */
  public double makespanSeconds() {
    return tasks.stream().mapToDouble(TaskRun::endSeconds).max().orElse(0)
        - tasks.stream().mapToDouble(TaskRun::startSeconds).min().orElse(0);
  }

  /** Slot-seconds of the makespan no task used. */
  public double idleSlotSeconds() {
    return slots * makespanSeconds() - tasks.stream().mapToDouble(TaskRun::seconds).sum();
  }

  /**
   * The task graph's lower bound on the makespan with the measured task times: max(total work /
   * slots, longest path), the longest path being a trunk's segments up to a fork plus that fork's
   * branch.
   */
  public double lowerBoundSeconds() {
    double work = tasks.stream().mapToDouble(TaskRun::seconds).sum();
    Map<String, List<TaskRun>> segments = new HashMap<>();
    for (TaskRun t : tasks) {
      if (t.kind() == Kind.TRUNK) {
        segments.computeIfAbsent(t.trunkId(), k -> new ArrayList<>()).add(t);
      }
    }
    double path = 0;
    for (TaskRun t : tasks) {
      double before =
          t.kind() == Kind.BRANCH
              ? segments.getOrDefault(t.trunkId(), List.of()).stream()
                  .filter(s -> s.toStep() <= t.fromStep())
                  .mapToDouble(TaskRun::seconds)
                  .sum()
              : segments.get(t.trunkId()).stream()
                  .filter(s -> s.toStep() < t.toStep())
                  .mapToDouble(TaskRun::seconds)
                  .sum();
      path = Math.max(path, before + t.seconds());
    }
    return Math.max(work / Math.max(1, slots), path);
  }

  /** The closing line of a graph run: compute against independent runs, makespan against bound. */
  public String summary() {
    return String.format(
        java.util.Locale.ROOT,
        "Compute spent: %.3g FLOPs, %.2fx of the same branches as independent runs (%.3g);"
            + " makespan %s, %.2fx the task graph's lower bound %s, %.0f idle slot-seconds",
        flopsSpent(),
        independentFlops > 0 ? flopsSpent() / independentFlops : Double.NaN,
        independentFlops,
        dev.scaling.driver.plan.Durations.format(makespanSeconds()),
        makespanSeconds() / Math.max(1e-9, lowerBoundSeconds()),
        dev.scaling.driver.plan.Durations.format(lowerBoundSeconds()),
        idleSlotSeconds());
  }
}
