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

  /** The reports on this board. */
  public Collection<LiveProgress> reports() {
    return byId.values();
  }

  @Override
  public String toString() {
    return byId.values().toString();
  }
}
