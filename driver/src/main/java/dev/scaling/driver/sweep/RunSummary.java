package dev.scaling.driver.sweep;

import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.plan.Durations;
import dev.scaling.driver.plan.Plan;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The console text of a finished run: the trials' losses and the closing totals. */
public final class RunSummary {
  private RunSummary() {}

  /** The closing line: trials by status, how many this run trained, the time and the tables. */
  public static String totals(RunOutcome result) {
    return String.format(
        Locale.ROOT,
        "%d finished, %d diverged, %d failed of %d trials (%d trained by this run)%s in %s."
            + " Tables: %s/trials, %s/curves%n",
        result.count(TrialStatus.FINISHED),
        result.count(TrialStatus.DIVERGED),
        result.count(TrialStatus.FAILED),
        result.outcomes().size(),
        result.trainedThisRun(),
        result.predictions().predicted().isEmpty()
            ? ""
            : ", " + result.predictions().predicted().size() + " predicted",
        Durations.format(result.wallSeconds()),
        result.outDir(),
        result.outDir());
  }

  /**
   * What {@code --force} did with the old run: where its commits went, whether checkpoints went.
   */
  public static String replaced(CommitLog.Replaced r) {
    String checkpoints = r.checkpointsRemoved() ? " The old run's checkpoints were removed." : "";
    if (r.movedTo() == null) {
      return String.format(Locale.ROOT, "--force: OUT held no commits.%s%n", checkpoints);
    }
    return String.format(
        Locale.ROOT,
        "--force: moved the %d commit(s) of the old run aside, unread, to %s.%s%n",
        r.commits(),
        r.movedTo(),
        checkpoints);
  }

  /**
   * The unreadable commits set aside in OUT/quarantine, one line each with its reason; nothing when
   * there are none.
   *
   * @param when how the heading qualifies them, e.g. "set aside now"
   */
  public static String quarantined(List<CommitLog.Quarantined> quarantined, String when) {
    if (quarantined.isEmpty()) {
      return "";
    }
    StringBuilder sb =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%d unreadable commit(s) %s in quarantine (their trials are not committed and"
                    + " train again; the files are kept):%n",
                quarantined.size(),
                when));
    for (CommitLog.Quarantined q : quarantined) {
      sb.append(
          String.format(Locale.ROOT, "  %s -> %s: %s%n", q.commit(), q.movedTo(), q.reason()));
    }
    return sb.toString();
  }

  /** Trials not finished (failed, diverged) the summary of a large sweep lists, at most. */
  public static final int UNFINISHED_LISTED = 20;

  /** Lowest and highest final losses the summary of a large sweep lists, each. */
  public static final int EXTREMES_LISTED = 5;

  /**
   * The table of final held-out losses, the entropy floor and, for text, bits per byte; with a
   * {@code batch} column when the trials train at several batch sizes. Up to {@link
   * Plan#FULL_TABLE_MAX} trials every trial has its row; above, the trials by status, the {@value
   * #EXTREMES_LISTED} lowest and highest final losses and the first {@value #UNFINISHED_LISTED}
   * trials that did not finish (every row is in {@code OUT/trials}).
   */
  public static String trials(List<TrialOutcome> outcomes) {
    StringBuilder sb = new StringBuilder();
    boolean batches =
        outcomes.stream().map(o -> o.trial().training().batchSize()).distinct().count() > 1;
    if (outcomes.size() <= Plan.FULL_TABLE_MAX) {
      sb.append(String.format(Locale.ROOT, "%nTrials (final held-out loss, nats/token):%n"));
      sb.append(table(outcomes, batches));
      sb.append(floor(outcomes));
      sb.append(bitsPerByte(outcomes));
      return sb.toString();
    }
    Map<String, Long> byStatus = new TreeMap<>();
    outcomes.forEach(o -> byStatus.merge(o.result().status().label(), 1L, Long::sum));
    sb.append(
        String.format(
            Locale.ROOT,
            "%nTrials (final held-out loss, nats/token): %d, by status %s; every row is in"
                + " OUT/trials%n",
            outcomes.size(),
            byStatus));
    List<TrialOutcome> finished =
        outcomes.stream()
            .filter(
                o ->
                    o.result().status() == TrialStatus.FINISHED
                        && Double.isFinite(o.result().finalEvalLoss()))
            .sorted(Comparator.comparingDouble(o -> o.result().finalEvalLoss()))
            .toList();
    if (!finished.isEmpty()) {
      int k = Math.min(EXTREMES_LISTED, finished.size());
      sb.append(String.format(Locale.ROOT, "The %d lowest final losses:%n", k));
      sb.append(table(finished.subList(0, k), batches));
      sb.append(String.format(Locale.ROOT, "The %d highest:%n", k));
      sb.append(table(finished.subList(finished.size() - k, finished.size()), batches));
    }
    List<TrialOutcome> unfinished =
        outcomes.stream().filter(o -> o.result().status() != TrialStatus.FINISHED).toList();
    if (!unfinished.isEmpty()) {
      int k = Math.min(UNFINISHED_LISTED, unfinished.size());
      sb.append(
          String.format(
              Locale.ROOT,
              "Not finished (%s of %d, in plan order):%n",
              k == unfinished.size() ? "all" : "the first " + k,
              unfinished.size()));
      sb.append(table(unfinished.subList(0, k), batches));
    }
    sb.append(floor(outcomes));
    if (!finished.isEmpty()) {
      sb.append(bitsPerByte(List.of(finished.get(0), finished.get(finished.size() - 1))));
    }
    return sb.toString();
  }

  /** The rows of {@code outcomes} under the trials table's header. */
  private static String table(List<TrialOutcome> outcomes, boolean batches) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-16s %6s %5s %10s%s %10s %10s %10s %9s%n",
            "trial_id",
            "width",
            "depth",
            "tokens",
            batches ? String.format(Locale.ROOT, " %6s", "batch") : "",
            "eval_loss",
            "train_loss",
            "tokens/s",
            "status"));
    for (TrialOutcome o : outcomes) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-16s %6d %5d %10d%s %10.4f %10.4f %10.0f %9s%n",
              o.trial().trialId(),
              o.trial().width(),
              o.trial().depth(),
              o.trial().tokens(),
              batches ? String.format(Locale.ROOT, " %6d", o.trial().training().batchSize()) : "",
              o.result().finalEvalLoss(),
              o.result().finalTrainLoss(),
              o.result().tokensPerSecond(),
              o.result().status().label()));
    }
    return sb.toString();
  }

  /** The entropy floor of a synthetic source, or nothing. */
  private static String floor(List<TrialOutcome> outcomes) {
    return outcomes.stream()
        .map(o -> o.result().entropyFloor())
        .filter(f -> f != null)
        .findFirst()
        .map(
            f ->
                String.format(
                    Locale.ROOT, "Entropy floor of the synthetic source: %.4f nats/token%n", f))
        .orElse("");
  }

  /**
   * Held-out bits per UTF-8 byte and epochs of text trials (comparable across tokenizers), or
   * nothing for synthetic ones.
   */
  public static String bitsPerByte(List<TrialOutcome> outcomes) {
    StringBuilder sb = new StringBuilder();
    for (TrialOutcome o : outcomes) {
      if (o.result().evalTokensPerByte() == null) {
        continue;
      }
      if (sb.length() == 0) {
        sb.append(
            String.format(
                Locale.ROOT,
                "Held-out bits per byte (total nats / ln 2 / UTF-8 bytes of the held-out windows):%n"
                    + "  %-16s %6s %5s %10s %10s %8s%n",
                "trial_id",
                "width",
                "depth",
                "tokens",
                "eval_bpb",
                "epochs"));
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-16s %6d %5d %10d %10.4f %8.3f%n",
              o.trial().trialId(),
              o.trial().width(),
              o.trial().depth(),
              o.trial().tokens(),
              o.result().bitsPerByte(o.result().finalEvalLoss()),
              o.result().epochs() == null ? Double.NaN : o.result().epochs()));
    }
    return sb.toString();
  }
}
