package dev.scaling.driver.live;

import dev.scaling.common.trial.TrialStatus;
import java.util.Locale;

/** Where a trial of the plan stands on the Sweep page. */
public enum LiveStatus {
  /** Not started yet (or started, but no heartbeat has reported it). */
  PLANNED,
  /** A task trains it and has reported progress. */
  RUNNING,
  /** An attempt was lost; Spark retries it (a new attempt reports as running). */
  RETRIED,
  /** Committed as finished. */
  FINISHED,
  /** Committed as diverged (a non-finite loss). */
  DIVERGED,
  /** Committed as failed (the last attempt threw). */
  FAILED;

  /** The label on the page and in the JSON: the lower-case name. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the trial is committed (no live report changes it any more). */
  public boolean isFinal() {
    return this == FINISHED || this == DIVERGED || this == FAILED;
  }

  /** The live status of a committed outcome. */
  public static LiveStatus of(TrialStatus committed) {
    return switch (committed) {
      case FINISHED -> FINISHED;
      case DIVERGED -> DIVERGED;
      case FAILED -> FAILED;
    };
  }
}
