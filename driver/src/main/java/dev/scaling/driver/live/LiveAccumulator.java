package dev.scaling.driver.live;

import org.apache.spark.util.AccumulatorV2;

/**
 * A Spark accumulator of {@link LiveProgress} reports, merged per id by {@link
 * LiveProgress#supersedes} (later attempt, then more steps). A running task adds its trial's newest
 * report; Spark ships running tasks' accumulator values to the driver with every executor heartbeat
 * ({@code spark.executor.heartbeatInterval}), where {@link SweepWatch}'s listener reads them, and
 * merges the final value when the task ends.
 *
 * <p>The task thread adds while the heartbeat thread serializes: the value is an immutable {@link
 * LiveBoard} swapped in a volatile field, so a heartbeat always ships a consistent board. While a
 * task deserializes, {@code AccumulatorV2.readObject} registers the accumulator with the task
 * before this class's field is read: a heartbeat in that window sees no board yet, which reads as
 * empty (a throw there would end the executor's heartbeats, and every live update, for good).
 */
public final class LiveAccumulator extends AccumulatorV2<LiveProgress, LiveBoard> {
  private static final long serialVersionUID = 1L;

  private volatile LiveBoard board = LiveBoard.EMPTY;

  @Override
  public boolean isZero() {
    return value().byId().isEmpty();
  }

  @Override
  public LiveAccumulator copy() {
    LiveAccumulator c = new LiveAccumulator();
    c.board = value();
    return c;
  }

  @Override
  public void reset() {
    board = LiveBoard.EMPTY;
  }

  @Override
  public synchronized void add(LiveProgress v) {
    board = value().with(v);
  }

  /**
   * Reports the driver's merged copy keeps: Spark merges each ended task's board into it and prints
   * it on the stage page; the watch reads each task's own update, so the newest few are enough.
   */
  static final int DRIVER_REPORTS = 256;

  @Override
  public synchronized void merge(AccumulatorV2<LiveProgress, LiveBoard> other) {
    board = value().merge(other.value()).bounded(DRIVER_REPORTS);
  }

  @Override
  public LiveBoard value() {
    LiveBoard b = board;
    return b == null ? LiveBoard.EMPTY : b; // null only while the task deserializes it
  }
}
