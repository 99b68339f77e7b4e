package dev.scaling.driver.live;

/**
 * When the sweep watch may call its refresh hook (an interim fit and a report rewrite) again: no
 * sooner than max(a minimum gap, 4x the previous call's duration) after the previous call ended, so
 * that at 10 000 trials the refits take at most a fifth of the watch's thread instead of running
 * back to back. Used by the watch's thread only.
 */
final class RefreshGate {
  private final long minGapMs;
  private long nextAtMs;
  private boolean ranOnce;
  private int runs;

  /**
   * @param minGapMs the shortest gap between the end of one call and the start of the next
   */
  RefreshGate(long minGapMs) {
    if (minGapMs < 0) {
      throw new IllegalArgumentException("minGapMs must be >= 0, found " + minGapMs);
    }
    this.minGapMs = minGapMs;
  }

  /** Milliseconds to wait at {@code nowMs} before the next call may start; 0: it may start now. */
  long waitMs(long nowMs) {
    return ranOnce ? Math.max(0, nextAtMs - nowMs) : 0;
  }

  /** Records a call that ran from {@code startMs} to {@code endMs}. */
  void ran(long startMs, long endMs) {
    runs++;
    ranOnce = true;
    nextAtMs = endMs + Math.max(minGapMs, 4 * Math.max(0, endMs - startMs));
  }

  /** How many calls ran. */
  int runs() {
    return runs;
  }
}
