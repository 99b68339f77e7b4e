package dev.scaling.driver.sweep;

import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.plan.Durations;
import java.util.List;
import java.util.Locale;

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

  /**
   * The table of final held-out losses, the entropy floor and, for text, bits per byte; with a
   * {@code batch} column when the trials train at several batch sizes.
   */
  public static String trials(List<TrialOutcome> outcomes) {
    StringBuilder sb = new StringBuilder();
    boolean batches =
        outcomes.stream().map(o -> o.trial().training().batchSize()).distinct().count() > 1;
    sb.append(String.format(Locale.ROOT, "%nTrials (final held-out loss, nats/token):%n"));
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
    outcomes.stream()
        .map(o -> o.result().entropyFloor())
        .filter(f -> f != null)
        .findFirst()
        .ifPresent(
            f ->
                sb.append(
                    String.format(
                        Locale.ROOT,
                        "Entropy floor of the synthetic source: %.4f nats/token%n",
                        f)));
    sb.append(bitsPerByte(outcomes));
    return sb.toString();
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
