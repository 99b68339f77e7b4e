package dev.scaling.common.trial;

import java.util.Locale;

/** How a trial ended. Only {@code FINISHED} trials enter a fit. */
public enum TrialStatus {
  /** Trained to the end with finite losses. */
  FINISHED,
  /** Loss became NaN or infinite; stopped early and not retried. */
  DIVERGED,
  /** Threw (out of memory, bad device, unreadable data) after Spark's retries. */
  FAILED;

  /** The lower-case spelling written to tables. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
