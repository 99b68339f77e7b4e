package dev.scaling.driver.sweep;

import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
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
 * @param force start over: forget every commit in OUT
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
   * @param forgotten commits removed by {@code force}
   * @param committed the commits OUT held when deciding (none after {@code force})
   */
  public record Decision(
      List<Trial> todo, int skipped, int rerun, int forgotten, List<TrialOutcome> committed) {
    public Decision {
      todo = List.copyOf(todo);
      committed = List.copyOf(committed);
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

  /** The planned trials without a usable commit; removes the commits it is told to forget. */
  public Decision decide(Plan plan, CommitLog commits) throws IOException {
    if (force) {
      // Deleted unread: --force must also clear commits this version cannot read.
      int forgotten = commits.removeAll();
      return new Decision(plan.trials(), 0, 0, forgotten, List.of());
    }
    Map<String, TrialOutcome> committed = commits.readAll();
    List<Trial> todo = new ArrayList<>();
    int skipped = 0;
    int rerun = 0;
    for (Trial t : plan.trials()) {
      TrialOutcome c = committed.get(t.trialId());
      if (c == null) {
        todo.add(t);
      } else if (rerunFailed && c.result().status() == TrialStatus.FAILED) {
        commits.remove(t.trialId());
        todo.add(t);
        rerun++;
      } else {
        skipped++;
      }
    }
    return new Decision(todo, skipped, rerun, 0, List.copyOf(committed.values()));
  }
}
