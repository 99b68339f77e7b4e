package dev.scaling.driver.sweep;

import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.io.CommitIndex;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.plan.Plan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a run does with an OUT that already holds commits: by default it is the same sweep resumed
 * (committed trials are skipped), {@code extend} lets the grid change (only new points train),
 * {@code rerunFailed} trains failed trials again, and {@code force} starts over. Shared by {@code
 * run} and the tests of the sweep layer.
 *
 * @param force start over: move every commit in OUT aside and remove the old checkpoints
 * @param extend allow a spec whose grid (and only its grid) differs from {@code OUT/spec.yaml}
 * @param rerunFailed train again the trials committed as failed (diverged ones stay)
 */
public record ResumePolicy(boolean force, boolean extend, boolean rerunFailed) {
  /** Resume the same sweep: skip committed trials, refuse a changed spec. */
  public static final ResumePolicy RESUME = new ResumePolicy(false, false, false);

  /**
   * What resuming decided.
   *
   * @param todo the planned trials to train, in plan order
   * @param skipped committed trials left as they are
   * @param rerun failed trials whose commits were removed to train again
   * @param committed the readable commits OUT held when deciding (none after {@code force})
   * @param replaced what {@code force} moved aside and removed, null without {@code force}
   * @param quarantined unreadable commits set aside by this decision (their trials train again)
   */
  public record Decision(
      List<Trial> todo,
      int skipped,
      int rerun,
      List<TrialOutcome> committed,
      CommitLog.Replaced replaced,
      List<CommitLog.Quarantined> quarantined) {
    public Decision {
      todo = List.copyOf(todo);
      committed = List.copyOf(committed);
      quarantined = List.copyOf(quarantined);
    }

    /** The commits moved aside by {@code force}. */
    public int forgotten() {
      return replaced == null ? 0 : replaced.commits();
    }
  }

  /**
   * Refuses an OUT that holds a different sweep, unless only the grid changed and {@code extend} is
   * set, or {@code force} starts over.
   *
   * @throws SpecException on {@code --out}, listing the differing fields
   */
  public void checkSameSweep(String outDir, OutComparison comparison) {
    if (force || comparison.differences().isEmpty() || (extend && comparison.gridOnly())) {
      return;
    }
    throw new SpecException(
        "--out",
        (comparison.gridOnly()
                ? "the folder of the same sweep, or the grid change allowed with --extend"
                : "the folder of the same sweep (only the grid may change, with --extend), or"
                    + " started over with --force")
            + "; OUT/spec.yaml differs in "
            + String.join("; ", comparison.differences()),
        outDir);
  }

  /**
   * The planned trials without a usable commit; removes the commits it is told to forget ({@code
   * force} moves them aside, unread, and removes the old run's checkpoints).
   */
  public Decision decide(Plan plan, CommitLog commits) throws IOException {
    return decide(plan, commits.index());
  }

  /**
   * As {@link #decide(Plan, CommitLog)}, reading the commits into {@code index} (one {@link
   * CommitIndex#load}), which then holds them for the rest of the run.
   */
  public Decision decide(Plan plan, CommitIndex index) throws IOException {
    if (force) {
      // Moved aside unread: --force must also work on commits this version cannot read.
      return new Decision(plan.trials(), 0, 0, List.of(), index.startOver(), List.of());
    }
    CommitLog.Read read = index.load();
    Map<String, TrialOutcome> committed = read.outcomes();
    List<Trial> todo = new ArrayList<>();
    int skipped = 0;
    int rerun = 0;
    for (Trial t : plan.trials()) {
      TrialOutcome c = committed.get(t.trialId());
      if (c == null) {
        todo.add(t);
      } else if (rerunFailed && c.result().status() == TrialStatus.FAILED) {
        index.remove(t.trialId());
        todo.add(t);
        rerun++;
      } else {
        skipped++;
      }
    }
    return new Decision(
        todo, skipped, rerun, List.copyOf(committed.values()), null, read.quarantined());
  }
}
