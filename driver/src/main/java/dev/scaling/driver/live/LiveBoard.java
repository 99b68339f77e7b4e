package dev.scaling.driver.live;

import java.io.Serializable;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The value of a {@link LiveAccumulator}: the newest {@link LiveProgress} of each trial (or trunk)
 * id a task has reported. Immutable.
 *
 * @param byId the newest report per id
 */
public record LiveBoard(Map<String, LiveProgress> byId) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The board with nothing reported. */
  public static final LiveBoard EMPTY = new LiveBoard(Map.of());

  public LiveBoard {
    byId = Map.copyOf(byId);
  }

  /** This board with {@code p} added where it supersedes what the board had for its id. */
  public LiveBoard with(LiveProgress p) {
    if (!p.supersedes(byId.get(p.id()))) {
      return this;
    }
    Map<String, LiveProgress> next = new LinkedHashMap<>(byId);
    next.put(p.id(), p);
    return new LiveBoard(next);
  }

  /** This board merged with {@code other}, keeping the newer report of each id. */
  public LiveBoard merge(LiveBoard other) {
    LiveBoard b = this;
    for (LiveProgress p : other.byId.values()) {
      b = b.with(p);
    }
    return b;
  }

  /**
   * This board with at most {@code max} reports: the most recently updated ones. The driver's
   * merged copy of the accumulator is bounded so, or it would hold every trial of the sweep and
   * Spark would copy and print it at each task end (quadratic in the trials).
   */
  public LiveBoard bounded(int max) {
    if (byId.size() <= max) {
      return this;
    }
    Map<String, LiveProgress> kept = new LinkedHashMap<>();
    byId.values().stream()
        .sorted(java.util.Comparator.comparingLong(LiveProgress::updatedAtMillis).reversed())
        .limit(max)
        .forEach(p -> kept.put(p.id(), p));
    return new LiveBoard(kept);
  }

  /** The reports on this board. */
  public Collection<LiveProgress> reports() {
    return byId.values();
  }

  /**
   * Short text for Spark's stage page and event log, which print accumulator values at every task
   * end: the reports themselves when there are at most two, else only their count.
   */
  @Override
  public String toString() {
    return byId.size() <= 2 ? byId.values().toString() : byId.size() + " live reports";
  }
}
