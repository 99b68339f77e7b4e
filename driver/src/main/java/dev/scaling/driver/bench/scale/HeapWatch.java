package dev.scaling.driver.bench.scale;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The driver's heap during the scale bench: the peak of heap used after any collection (GC
 * notifications; an upper bound of the live heap, since a young collection leaves old garbage), and
 * the live heap itself, sampled after a full collection ({@link #sampleLive}) every few seconds on
 * a thread of its own and when training ends. Thread-safe.
 */
final class HeapWatch implements AutoCloseable {
  private final AtomicLong afterGcPeak = new AtomicLong();
  private final AtomicLong livePeak = new AtomicLong();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::onGc;
  private final Thread sampler;
  private volatile boolean running = true;

  /**
   * @param sampleSeconds seconds between full-collection samples, 0 for none
   */
  HeapWatch(double sampleSeconds) {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter e) {
        e.addNotificationListener(listener, null, null);
        emitters.add(e);
      }
    }
    sampler =
        new Thread(
            () -> {
              while (running && sampleSeconds > 0) {
                try {
                  Thread.sleep((long) (sampleSeconds * 1000));
                } catch (InterruptedException e) {
                  return;
                }
                if (running) {
                  sampleLive();
                }
              }
            },
            "scale-bench-heap");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void onGc(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    long used = 0;
    for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
      used += u.getUsed();
    }
    // Non-heap pools (metaspace, code cache) are in the map too: count heap pools only.
    long heap = used - nonHeap(info);
    afterGcPeak.accumulateAndGet(heap, Math::max);
  }

  private static long nonHeap(GarbageCollectionNotificationInfo info) {
    long used = 0;
    for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.NON_HEAP) {
        MemoryUsage u = info.getGcInfo().getMemoryUsageAfterGc().get(pool.getName());
        used += u == null ? 0 : u.getUsed();
      }
    }
    return used;
  }

  /** Runs a full collection and records the heap still used (the live heap now). */
  void sampleLive() {
    System.gc();
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    livePeak.accumulateAndGet(used, Math::max);
  }

  /** Peak heap used after any collection, GB. */
  double afterGcPeakGb() {
    return afterGcPeak.get() / 1e9;
  }

  /** Peak live heap (after a full collection), GB. */
  double livePeakGb() {
    return livePeak.get() / 1e9;
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(listener);
      } catch (Exception ignored) {
        // already gone
      }
    }
  }
}
