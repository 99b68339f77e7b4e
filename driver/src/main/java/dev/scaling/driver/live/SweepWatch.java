package dev.scaling.driver.live;

import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.plan.Plan;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.Tuple4;
import scala.collection.Iterator;

/**
 * Watches one sweep while it trains: a Spark listener that feeds the {@link SweepModel} from the
 * {@link LiveAccumulator} values carried by executor heartbeats and task ends, and from {@code
 * OUT/commits} after each successful task (read on a background thread, which then calls the {@link
 * Refresh} hook, e.g. to rewrite {@code OUT/report} and refit); it serves the model as the Sweep
 * tab of the Spark UI.
 *
 * <p>Spark's listener-bus thread calls the listener methods; they only update the model and never
 * throw. A failing refresh is reported once on stderr and never stops the sweep. The page stays
 * attached after {@link #close()} (showing the final state) until the next sweep of the same
 * application attaches its own or the application ends.
 */
public final class SweepWatch extends SparkListener implements AutoCloseable {

  /** What runs on the watch's thread after new commits arrived. */
  @FunctionalInterface
  public interface Refresh {
    /**
     * @param committed every committed outcome of the sweep, in plan order
     * @return the fit to show on the page, or null to keep the one shown
     */
    SweepView.Fit refresh(List<TrialOutcome> committed) throws Exception;
  }

  private static SparkUiHook attached;

  private final SparkContext sc;
  private final SweepModel model;
  private final CommitLog commits;
  private final Refresh refresh;
  private final Optional<SparkUiHook> hook;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "sweep-watch");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean syncQueued = new AtomicBoolean();
  private final AtomicBoolean refreshFailed = new AtomicBoolean();
  private final Map<Long, List<String>> taskTrials = new ConcurrentHashMap<>();

  private SweepWatch(
      SparkContext sc, SweepModel model, CommitLog commits, Refresh refresh, boolean withPage) {
    this.sc = sc;
    this.model = model;
    this.commits = commits;
    this.refresh = refresh;
    this.hook = withPage ? attachPage(sc, model) : Optional.empty();
  }

  /**
   * Starts watching: registers the listener and attaches the Sweep tab (replacing an earlier
   * sweep's tab in this application).
   *
   * @param sc the application
   * @param plan every trial of the sweep
   * @param committed outcomes already committed in OUT
   * @param outDir the sweep's OUT folder (its commits are read after each successful task)
   * @param hadoop the Hadoop configuration to read OUT with
   * @param refresh called after new commits, null for none
   */
  public static SweepWatch start(
      SparkContext sc,
      Plan plan,
      Collection<TrialOutcome> committed,
      String outDir,
      Configuration hadoop,
      Refresh refresh) {
    SweepModel model =
        new SweepModel(
            plan,
            committed,
            sc.conf().get("spark.executor.heartbeatInterval", "10s"),
            System.currentTimeMillis(),
            Math.max(1, sc.defaultParallelism() / sc.conf().getInt("spark.task.cpus", 1)));
    SweepWatch w = new SweepWatch(sc, model, new CommitLog(outDir, hadoop), refresh, true);
    sc.addSparkListener(w);
    return w;
  }

  private static synchronized Optional<SparkUiHook> attachPage(SparkContext sc, SweepModel model) {
    if (attached != null) {
      try {
        attached.detach();
      } catch (RuntimeException e) {
        // The earlier sweep's application (and its UI) may be stopped already.
      }
      attached = null;
    }
    SweepPage page = new SweepPage(model);
    Optional<SparkUiHook> h = SparkUiHook.attach(sc, SweepPage.PREFIX, page);
    h.ifPresent(
        x -> {
          page.hook(x);
          attached = x;
        });
    return h;
  }

  /** The model the page shows. */
  public SweepModel model() {
    return model;
  }

  /** The Sweep page's address, empty when the Spark UI is disabled. */
  public Optional<String> pageUrl() {
    return hook.map(SparkUiHook::pageUrl);
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    long now = System.currentTimeMillis();
    Iterator<Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>>> it =
        update.accumUpdates().iterator();
    while (it.hasNext()) {
      Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> task =
          it.next();
      List<String> ids = take(task._4(), now);
      if (!ids.isEmpty()) {
        taskTrials.put((Long) task._1(), ids);
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    long now = System.currentTimeMillis();
    List<String> ids = new ArrayList<>(take(end.taskInfo().accumulables(), now));
    List<String> seen = taskTrials.remove(end.taskInfo().taskId());
    if (seen != null) {
      seen.stream().filter(id -> !ids.contains(id)).forEach(ids::add);
    }
    if (ids.isEmpty()) {
      return;
    }
    if (end.reason() == Success$.MODULE$) {
      ids.forEach(model::taskSucceeded);
      requestSync();
    } else {
      ids.forEach(model::attemptLost);
    }
  }

  /** Feeds the live reports among {@code infos} to the model; returns their ids. */
  private List<String> take(scala.collection.Seq<AccumulableInfo> infos, long now) {
    List<String> ids = new ArrayList<>();
    Iterator<AccumulableInfo> it = infos.iterator();
    while (it.hasNext()) {
      AccumulableInfo info = it.next();
      if (info.update().isDefined() && info.update().get() instanceof LiveBoard board) {
        for (LiveProgress p : board.reports()) {
          if (p.sweepName().equals(model.sweepName())) {
            model.report(p, now);
            ids.add(p.id());
          }
        }
      }
    }
    return ids;
  }

  /** Reads the commits on the watch's thread soon (requests made meanwhile are coalesced). */
  public void requestSync() {
    if (syncQueued.compareAndSet(false, true)) {
      worker.execute(this::sync);
    }
  }

  private void sync() {
    syncQueued.set(false);
    try {
      boolean news = false;
      for (TrialOutcome o : commits.readAll().values()) {
        // Commits outside the plan (an earlier grid's) are not taken, and are no news.
        news |= model.committed(o);
      }
      if (news && refresh != null) {
        SweepView.Fit fit = refresh.refresh(model.outcomes());
        if (fit != null) {
          model.fit(fit);
        }
      }
    } catch (Exception | LinkageError e) {
      if (refreshFailed.compareAndSet(false, true)) {
        System.err.println(
            "sweep page: reading the commits or refreshing the report failed (the sweep goes"
                + " on; the report is written at the end): "
                + e);
      }
    }
  }

  /**
   * Stops listening after a last read of the commits (waits for it, at most a minute); the page
   * stays attached.
   */
  @Override
  public void close() throws InterruptedException {
    sc.removeSparkListener(this);
    worker.execute(this::sync);
    worker.shutdown();
    worker.awaitTermination(60, TimeUnit.SECONDS);
  }
}
