package dev.scaling.driver.live;

import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.driver.io.CommitIndex;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.plan.Plan;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
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
 * OUT/commits}; it serves the model as the Sweep tab of the Spark UI.
 *
 * <p>The commits are read on a background thread through a {@link CommitIndex} (read once when the
 * run decided what to train): after a successful task, only the commits of the trials that task
 * reported (one open each); at most every {@link #LIST_EVERY_MS} ms and at {@link #close()}, one
 * listing that reads only commits not seen yet (those the listener missed, e.g. committed by the
 * driver for a trial whose executor was lost every time), after which the index may write a
 * manifest ({@link CommitIndex#compact}). So the driver's work per commit is constant, whatever the
 * number of trials. After new commits the thread calls the {@link Refresh} hook (e.g. to rewrite
 * {@code OUT/report} and refit) at a bounded rate: at most once every max({@link
 * #MIN_REFRESH_GAP_MS} ms, 4x the previous refresh's duration), never more than one pending.
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

  /** The longest gap between two listings of {@code OUT/commits} while trials succeed. */
  public static final long LIST_EVERY_MS = 30_000;

  /** The shortest gap between two calls of the {@link Refresh} hook. */
  public static final long MIN_REFRESH_GAP_MS = 2_000;

  private static SparkUiHook attached;

  private final SparkContext sc;
  private final SweepModel model;
  private final CommitIndex commits;
  private final Set<String> planned;
  private final Refresh refresh;
  private final Optional<SparkUiHook> hook;
  private final LongSupplier clockMs;
  private final ScheduledExecutorService worker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "sweep-watch");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean syncQueued = new AtomicBoolean();
  private final AtomicBoolean delayedQueued = new AtomicBoolean();
  private final AtomicBoolean refreshFailed = new AtomicBoolean();
  private final Map<Long, List<String>> taskTrials = new ConcurrentHashMap<>();
  private final Queue<String> succeeded = new ConcurrentLinkedQueue<>();
  // The watch thread's own state.
  private final RefreshGate gate = new RefreshGate(MIN_REFRESH_GAP_MS);
  private long lastListingMs;
  private boolean refreshDue;

  SweepWatch(
      SparkContext sc,
      SweepModel model,
      Set<String> planned,
      CommitIndex commits,
      Refresh refresh,
      boolean withPage,
      LongSupplier clockMs) {
    this.sc = sc;
    this.model = model;
    this.planned = planned;
    this.commits = commits;
    this.refresh = refresh;
    this.clockMs = clockMs;
    this.lastListingMs = clockMs.getAsLong();
    this.hook = withPage ? attachPage(sc, model) : Optional.empty();
  }

  /**
   * Starts watching: registers the listener and attaches the Sweep tab (replacing an earlier
   * sweep's tab in this application). The commits of {@code outDir} are read in full at the first
   * listing; a run that read them already passes its index instead.
   *
   * @param sc the application
   * @param plan every trial of the sweep
   * @param committed outcomes already committed in OUT
   * @param outDir the sweep's OUT folder
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
    return start(sc, plan, committed, new CommitLog(outDir, hadoop).index(), refresh);
  }

  /**
   * Starts watching with the commits already read into {@code commits} (the run's index, which the
   * watch then keeps current): registers the listener and attaches the Sweep tab (replacing an
   * earlier sweep's tab in this application).
   *
   * @param sc the application
   * @param plan every trial of the sweep
   * @param committed outcomes already committed in OUT
   * @param commits the index of OUT's commits, used by the watch's thread while it runs
   * @param refresh called after new commits, null for none
   */
  public static SweepWatch start(
      SparkContext sc,
      Plan plan,
      Collection<TrialOutcome> committed,
      CommitIndex commits,
      Refresh refresh) {
    SweepModel model =
        new SweepModel(
            plan,
            committed,
            sc.conf().get("spark.executor.heartbeatInterval", "10s"),
            System.currentTimeMillis(),
            Math.max(1, sc.defaultParallelism() / sc.conf().getInt("spark.task.cpus", 1)));
    Set<String> planned = new HashSet<>();
    plan.trials().forEach(t -> planned.add(t.trialId()));
    SweepWatch w =
        new SweepWatch(sc, model, planned, commits, refresh, true, System::currentTimeMillis);
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
      // Trials only (a trunk segment reports under its trunk id, which has no commit).
      ids.stream().filter(planned::contains).forEach(succeeded::add);
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

  /**
   * Reads the new commits on the watch's thread soon (requests made meanwhile are coalesced): those
   * of the trials whose tasks succeeded since, and all new ones when a listing is due.
   */
  public void requestSync() {
    if (syncQueued.compareAndSet(false, true)) {
      worker.execute(() -> sync(false));
    }
  }

  /** Marks {@code trialIds} as committed by a successful task (the listener does this itself). */
  void succeeded(Collection<String> trialIds) {
    succeeded.addAll(trialIds);
  }

  /**
   * On the watch's thread: reads the commits of the trials that succeeded, lists OUT/commits when a
   * listing is due (always when {@code closing}) and then compacts, and calls the refresh hook when
   * new commits arrived and the gate allows (never when closing: the final fit follows), else
   * schedules one delayed try.
   */
  synchronized void sync(boolean closing) {
    syncQueued.set(false);
    try {
      boolean news = false;
      for (String id = succeeded.poll(); id != null; id = succeeded.poll()) {
        if (!model.isCommitted(id)) {
          TrialOutcome o = commits.read(id);
          // Commits outside the plan (an earlier grid's) are not taken, and are no news.
          news |= o != null && model.committed(o);
        }
      }
      long now = clockMs.getAsLong();
      if (closing || now - lastListingMs >= LIST_EVERY_MS) {
        for (TrialOutcome o : commits.refresh()) {
          news |= model.committed(o);
        }
        lastListingMs = now;
        commits.compact(false);
      }
      refreshDue |= news;
      if (!closing) {
        maybeRefresh();
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

  /** Calls the refresh hook if one is due and the gate allows, else schedules one later try. */
  private void maybeRefresh() throws Exception {
    if (!refreshDue || refresh == null) {
      return;
    }
    long now = clockMs.getAsLong();
    long wait = gate.waitMs(now);
    if (wait > 0) {
      if (delayedQueued.compareAndSet(false, true)) {
        worker.schedule(
            () -> {
              delayedQueued.set(false);
              sync(false);
            },
            wait,
            TimeUnit.MILLISECONDS);
      }
      return;
    }
    refreshDue = false;
    SweepView.Fit fit = refresh.refresh(model.outcomes());
    gate.ran(now, clockMs.getAsLong());
    if (fit != null) {
      model.fit(fit);
    }
  }

  /** How many times the refresh hook ran (for tests). */
  int refreshes() {
    return gate.runs();
  }

  /**
   * Stops listening after a last read of the commits, with a listing (waits for it, at most a
   * minute); the page stays attached. No refresh runs any more: the final fit follows.
   */
  @Override
  public void close() throws InterruptedException {
    if (sc != null) {
      sc.removeSparkListener(this);
    }
    worker.execute(() -> sync(true));
    worker.shutdown();
    worker.awaitTermination(60, TimeUnit.SECONDS);
  }
}
