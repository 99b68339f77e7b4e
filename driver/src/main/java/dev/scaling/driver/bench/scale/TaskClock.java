package dev.scaling.driver.bench.scale;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkFirehoseListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.TaskInfo;

/**
 * Counts what the driver's listener bus carries during the scale bench (every event, accumulator
 * updates in task ends and heartbeats) and keeps each task's launch and finish time as the driver
 * saw them, from which {@link #overhead} derives the per-trial scheduling overhead. Called on
 * Spark's listener-bus thread; read on the bench's thread after the run.
 */
final class TaskClock extends SparkFirehoseListener {
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong accumulatorUpdates = new AtomicLong();
  private final List<long[]> tasks = new ArrayList<>(); // {launch ms, finish ms}
  private final List<Long> launches = new ArrayList<>();
  private final Runnable onEnded;
  private final int expected;
  private boolean fired;

  /**
   * @param expected successful tasks after which {@code onEnded} runs once (on the bus thread)
   * @param onEnded what to do when they have all ended
   */
  TaskClock(int expected, Runnable onEnded) {
    this.expected = expected;
    this.onEnded = onEnded;
  }

  @Override
  public void onEvent(SparkListenerEvent event) {
    events.incrementAndGet();
    if (event instanceof SparkListenerTaskStart start) {
      synchronized (this) {
        launches.add(start.taskInfo().launchTime());
      }
    } else if (event instanceof SparkListenerTaskEnd end) {
      TaskInfo info = end.taskInfo();
      accumulatorUpdates.addAndGet(info.accumulables().size());
      if (info.successful()) {
        boolean fire;
        synchronized (this) {
          tasks.add(new long[] {info.launchTime(), info.finishTime()});
          fire = !fired && tasks.size() >= expected;
          fired |= fire;
        }
        if (fire && onEnded != null) {
          onEnded.run();
        }
      }
    } else if (event instanceof SparkListenerExecutorMetricsUpdate update) {
      accumulatorUpdates.addAndGet(update.accumUpdates().size());
    }
  }

  long events() {
    return events.get();
  }

  long accumulatorUpdates() {
    return accumulatorUpdates.get();
  }

  synchronized int finished() {
    return tasks.size();
  }

  /**
   * The per-trial overhead, in ms.
   *
   * @param inTaskMs mean of (finish - launch) - stand-in seconds: what a task costs besides its
   *     sleep (serialization, decoding, the commit, the result's way back)
   * @param refillMs mean time a freed slot waited for its next task while trials were pending: the
   *     i-th launch after the first {@code slots} pairs with the i-th task end
   * @param totalMs their sum: slot time per trial not spent in the stand-in
   */
  record Overhead(double inTaskMs, double refillMs, double totalMs) {}

  /** The overhead of the tasks seen, {@code standInSeconds} being the sum of their sleeps. */
  synchronized Overhead overhead(double standInSeconds, int slots) {
    if (tasks.isEmpty()) {
      return new Overhead(Double.NaN, Double.NaN, Double.NaN);
    }
    double busyMs = 0;
    long[] ends = new long[tasks.size()];
    for (int i = 0; i < tasks.size(); i++) {
      busyMs += tasks.get(i)[1] - tasks.get(i)[0];
      ends[i] = tasks.get(i)[1];
    }
    java.util.Arrays.sort(ends);
    long[] starts = launches.stream().mapToLong(Long::longValue).sorted().toArray();
    double inTask = (busyMs - standInSeconds * 1000) / tasks.size();
    double gaps = 0;
    int refills = 0;
    for (int i = slots; i < starts.length && i - slots < ends.length; i++) {
      gaps += Math.max(0, starts[i] - ends[i - slots]);
      refills++;
    }
    double refill = refills == 0 ? 0 : gaps / refills;
    // Spread over every trial: slots refilled late cost each refilled trial its gap.
    double refillPerTrial = gaps / tasks.size();
    return new Overhead(inTask, refill, inTask + refillPerTrial);
  }
}
