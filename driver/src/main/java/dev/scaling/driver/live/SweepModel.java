package dev.scaling.driver.live;

import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.driver.live.SweepView.CurveView;
import dev.scaling.driver.live.SweepView.TrialView;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Trunk;
import dev.scaling.driver.plan.Trunks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The driver's model of a sweep: every planned trial (and, under a branching schedule, every trunk)
 * with its status, place, progress, losses, speed and learning curve, the sweep's totals and ETA,
 * the current fit and the time estimate. Fed by {@link SweepWatch} from live reports (executor
 * heartbeats and task ends) and from commits; read by the Sweep page. Thread-safe: every method
 * locks the model; snapshots are immutable.
 *
 * <p>The work is counted as the task graph does it: a trunk's steps up to its last fork, each
 * branch's cooldown from its fork, each other trial's 6ND; the ETA is the remaining work at this
 * run's measured rate, and no less than the longest remaining chain (a trunk's steps to a fork plus
 * that branch's cooldown) at its trunk's own measured speed (at least one slot's share of the
 * rate).
 */
public final class SweepModel {
  /** Curve points kept per trial; beyond that every other older point is dropped. */
  static final int MAX_CURVE = 240;

  private final String sweepName;
  private final String heartbeatInterval;
  private final long startMillis;
  private final int slots;
  private final double flopsTotal;
  private final Map<String, Row> rows = new LinkedHashMap<>();
  private double flopsCommittedBefore;
  private int attemptsLost;
  private long updates;
  private double lagSum;
  private double lagMax;
  private long lastUpdateMillis;
  private SweepView.Fit fit;
  private SweepView.Estimate estimate;

  /**
   * A model for one slot (the ETA's critical path then counts the whole measured rate).
   *
   * @see #SweepModel(Plan, Collection, String, long, int)
   */
  public SweepModel(
      Plan plan, Collection<TrialOutcome> committed, String heartbeatInterval, long startMillis) {
    this(plan, committed, heartbeatInterval, startMillis, 1);
  }

  /**
   * @param plan every trial of the sweep
   * @param committed outcomes already committed in OUT (an earlier run's), by trial id
   * @param heartbeatInterval Spark's heartbeat interval as configured, shown with the freshness
   * @param startMillis driver wall clock when watching started
   * @param slots concurrent tasks the sweep runs (a chain of tasks gets one slot's share of the
   *     measured rate)
   */
  public SweepModel(
      Plan plan,
      Collection<TrialOutcome> committed,
      String heartbeatInterval,
      long startMillis,
      int slots) {
    this.sweepName = plan.spec().name();
    this.heartbeatInterval = heartbeatInterval;
    this.startMillis = startMillis;
    this.slots = Math.max(1, slots);
    // Trunks first: under wsd they carry the sweep until their first forks.
    List<Trunk> trunks = Trunks.of(plan.trained());
    Map<String, Row> trunkRows = new LinkedHashMap<>();
    for (Trunk k : trunks) {
      Row row = new Row(k.trunkId(), null, k);
      rows.put(k.trunkId(), row);
      trunkRows.put(k.trunkId(), row);
    }
    Set<String> trained = new HashSet<>();
    plan.trained().forEach(t -> trained.add(t.trialId()));
    for (Trial t : plan.trials()) {
      Row row = new Row(t.trialId(), t, null);
      row.trains = trained.contains(t.trialId());
      rows.put(t.trialId(), row);
      Row trunk = t.branched() ? trunkRows.get(t.trunkId()) : null;
      if (trunk != null) {
        trunk.branches.add(row);
      }
    }
    double total = 0;
    for (Row r : rows.values()) {
      total += r.workTotal();
    }
    this.flopsTotal = total;
    for (TrialOutcome o : committed) {
      Row r = rows.get(o.trial().trialId());
      if (r != null && r.trial != null) {
        r.commit(o);
        flopsCommittedBefore += r.workTotal();
      }
    }
    for (Row k : trunkRows.values()) {
      if (k.allBranchesCommitted()) {
        flopsCommittedBefore += k.workTotal(); // trained in an earlier run
      }
    }
  }

  /** The sweep's name; reports of other sweeps are ignored. */
  public String sweepName() {
    return sweepName;
  }

  /**
   * Takes a live report that arrived at {@code receivedAtMillis}; ignores other sweeps' reports,
   * committed trials and reports older than what the model has.
   */
  public synchronized void report(LiveProgress p, long receivedAtMillis) {
    if (!p.sweepName().equals(sweepName)) {
      return;
    }
    Row r = rows.computeIfAbsent(p.id(), id -> new Row(id, null, null));
    if (r.status.isFinal() || !p.supersedes(r.live)) {
      return;
    }
    // One task's reports (a trunk's next segment is a task of its own, from its previous fork).
    boolean sameAttempt = p.sameTaskAs(r.live);
    // From the first step on (the time before it is the trial's set-up, not a delay).
    if (sameAttempt && r.live.stepsDone() > 0 && p.stepsDone() > r.live.stepsDone()) {
      // The steps this report reveals were taken between the previous report's clock and this
      // one's: on average at the midpoint, the oldest right after the previous report.
      long previous = r.live.updatedAtMillis();
      double mean = Math.max(0, receivedAtMillis - (previous + p.updatedAtMillis()) / 2.0) / 1000.0;
      updates++;
      lagSum += mean;
      lagMax = Math.max(lagMax, Math.max(0, receivedAtMillis - previous) / 1000.0);
      lastUpdateMillis = receivedAtMillis;
    }
    if (r.trunk == null && r.live != null && p.attempt() > r.live.attempt()) {
      // A trial's new attempt; a trunk's retried segment goes on from its last fork.
      r.curve.clear();
    }
    if (!r.baselineSet && p.stepsDone() > 0) {
      // The work before this run's first step: a checkpoint it resumed from (an earlier run's).
      r.baseline = r.workAt(p.fromStep());
      r.baselineSet = true;
    }
    r.live = p;
    r.receivedAtMillis = receivedAtMillis;
    r.status = LiveStatus.RUNNING;
    for (LivePoint point : p.recent()) {
      r.addPoint(point);
    }
  }

  /** A task attempt training {@code id} ended without success: Spark retries it. */
  public synchronized void attemptLost(String id) {
    Row r = rows.get(id);
    if (r != null && !r.status.isFinal()) {
      attemptsLost++;
      r.status = LiveStatus.RETRIED;
    }
  }

  /**
   * A task reporting {@code id} ended successfully: a trunk is finished once its newest report
   * reached its last fork (an earlier segment's end only leads to the next segment); a planned
   * trial waits for its commit.
   */
  public synchronized void taskSucceeded(String id) {
    Row r = rows.get(id);
    if (r != null
        && r.trial == null
        && !r.status.isFinal()
        && r.live != null
        && r.live.stepsDone() >= r.totalSteps()) {
      r.status = LiveStatus.FINISHED;
    }
  }

  /**
   * Takes a commit: the trial's final status, losses and curve. A commit of a trial outside the
   * plan (an earlier grid's, in the same OUT) is ignored, so the page never counts more than
   * planned.
   *
   * @return whether the model took it (a planned trial not committed before)
   */
  public synchronized boolean committed(TrialOutcome o) {
    Row r = rows.get(o.trial().trialId());
    if (r == null || r.trial == null || r.outcome != null) {
      return false;
    }
    r.commit(o);
    return true;
  }

  /** Whether {@code id} is committed in the model. */
  public synchronized boolean isCommitted(String id) {
    Row r = rows.get(id);
    return r != null && r.outcome != null;
  }

  /** Every committed outcome the model holds, in plan order. */
  public synchronized List<TrialOutcome> outcomes() {
    return rows.values().stream().filter(r -> r.outcome != null).map(r -> r.outcome).toList();
  }

  /** Sets the current fit shown on the page. */
  public synchronized void fit(SweepView.Fit f) {
    this.fit = f;
  }

  /** Sets the time estimate shown on the page. */
  public synchronized void estimate(SweepView.Estimate e) {
    this.estimate = e;
  }

  /** The sweep now, with the first page of the trial table in plan order. */
  public SweepView snapshot() {
    return snapshot(SweepQuery.FIRST_PAGE);
  }

  /**
   * The sweep now: totals, aggregates per grid axis, every running row, the page of the trial table
   * {@code q} asks for and a sample of the learning curves. Its size is bounded whatever the
   * sweep's (a page of rows, the running ones, {@value #MAX_CURVES} curves of at most {@value
   * #CURVE_POINTS} points).
   */
  public synchronized SweepView snapshot(SweepQuery q) {
    long now = System.currentTimeMillis();
    double elapsed = (now - startMillis) / 1000.0;
    int finished = 0;
    int diverged = 0;
    int failed = 0;
    int running = 0;
    int retried = 0;
    int planned = 0;
    int trunks = 0;
    int trunksRunning = 0;
    int trunksFinished = 0;
    double flopsDone = 0;
    double baselines = 0;
    List<Row> live = new ArrayList<>();
    List<Row> matched = new ArrayList<>();
    Map<String, TreeMap<Comparable<?>, int[]>> axes = new LinkedHashMap<>();
    Filter filter = new Filter(q);
    int index = 0;
    for (Row r : rows.values()) {
      r.order = index++;
      flopsDone += r.workDone();
      baselines += r.baseline;
      LiveStatus status = r.shownStatus();
      if (status == LiveStatus.RUNNING || status == LiveStatus.RETRIED) {
        live.add(r);
      }
      if (filter.test(r, status)) {
        matched.add(r);
      }
      if (r.trial == null) {
        // A trunk: counted apart from the trials, never among them.
        trunks++;
        switch (status) {
          case RUNNING, RETRIED -> trunksRunning++;
          case FINISHED -> trunksFinished++;
          default -> {}
        }
        continue;
      }
      planned++;
      switch (status) {
        case FINISHED -> finished++;
        case DIVERGED -> diverged++;
        case FAILED -> failed++;
        case RUNNING -> running++;
        case RETRIED -> retried++;
        default -> {}
      }
      count(axes, r.trial, status);
    }
    double rate = elapsed > 0 ? (flopsDone - flopsCommittedBefore - baselines) / elapsed : 0;
    Double eta = null;
    if (rate > 0) {
      // A chain runs at its head's own measured speed, and at least at one slot's share of the
      // rate (a segment's speed reads low for its first steps, its set-up included).
      double critical = 0;
      for (Row r : rows.values()) {
        double left = r.chainLeft();
        if (left > 0) {
          critical = Math.max(critical, left / Math.max(r.flopRate(), rate / slots));
        }
      }
      eta = Math.max(Math.max(0, flopsTotal - flopsDone) / rate, critical);
    }
    SweepView.Progress progress =
        new SweepView.Progress(
            planned,
            finished,
            diverged,
            failed,
            running,
            retried,
            trunks,
            trunksRunning,
            trunksFinished,
            attemptsLost,
            flopsTotal,
            flopsDone,
            eta);
    SweepView.Freshness freshness =
        new SweepView.Freshness(
            updates,
            updates > 0 ? lagSum / updates : null,
            updates > 0 ? lagMax : null,
            updates > 0 ? (now - lastUpdateMillis) / 1000.0 : null,
            heartbeatInterval);
    if (!q.sort().equals("plan") || q.descending()) {
      Comparator<Row> order = comparator(q.sort(), now);
      matched.sort(q.descending() ? order.reversed() : order);
    }
    List<TrialView> page = new ArrayList<>();
    for (int i = q.offset(); i < Math.min(matched.size(), q.offset() + q.limit()); i++) {
      page.add(matched.get(i).view(now, false));
    }
    List<TrialView> runningViews = new ArrayList<>();
    for (Row r : live.subList(0, Math.min(live.size(), SweepView.MAX_RUNNING))) {
      runningViews.add(r.view(now, false));
    }
    SweepView.Page pageOf =
        new SweepView.Page(
            q.offset(),
            q.limit(),
            q.sort(),
            q.descending(),
            q.statuses().stream().sorted().toList(),
            q.text(),
            matched.size(),
            rows.size(),
            live.size());
    return new SweepView(
        sweepName,
        now,
        elapsed,
        progress,
        freshness,
        estimate,
        fit,
        axisCounts(axes),
        List.copyOf(runningViews),
        pageOf,
        List.copyOf(page),
        curves(live));
  }

  /** Curves a snapshot holds at most. */
  static final int MAX_CURVES = 120;

  /** Points a snapshot's curve holds at most. */
  static final int CURVE_POINTS = 48;

  /**
   * The curves shown: the running rows' (newest report first when there are more than {@value
   * #MAX_CURVES}), then the others' sampled across the grid: their (width, depth, tokens) cells
   * take turns (cells picked evenly over the plan's order when there are more cells than curves
   * left), each cell's curves picked evenly over its plan order.
   */
  private SweepView.Curves curves(List<Row> live) {
    List<Row> chosen = new ArrayList<>();
    List<Row> runningWithPoints = new ArrayList<>();
    for (Row r : live) {
      if (r.hasCurve()) {
        runningWithPoints.add(r);
      }
    }
    if (runningWithPoints.size() > MAX_CURVES) {
      runningWithPoints.sort(Comparator.comparingLong((Row r) -> -r.receivedAtMillis));
    }
    chosen.addAll(runningWithPoints.subList(0, Math.min(MAX_CURVES, runningWithPoints.size())));
    Map<String, List<Row>> cells = new LinkedHashMap<>();
    int withPoints = runningWithPoints.size();
    for (Row r : rows.values()) {
      LiveStatus s = r.shownStatus();
      if (s == LiveStatus.RUNNING || s == LiveStatus.RETRIED || !r.hasCurve()) {
        continue;
      }
      withPoints++;
      String cell =
          r.trial == null
              ? "trunk"
              : r.trial.width() + "x" + r.trial.depth() + "x" + r.trial.tokens();
      cells.computeIfAbsent(cell, k -> new ArrayList<>()).add(r);
    }
    int budget = MAX_CURVES - chosen.size();
    if (budget > 0 && !cells.isEmpty()) {
      List<List<Row>> groups = new ArrayList<>(cells.values());
      if (budget < groups.size()) {
        // Fewer curves than cells: cells picked evenly over the grid's order, one curve each.
        List<List<Row>> spread = new ArrayList<>();
        for (int j = 0; j < budget; j++) {
          spread.add(groups.get((int) ((j + 0.5) * groups.size() / budget)));
        }
        groups = spread;
      }
      // Quotas: one curve per cell in turn until the budget or the cells run out.
      int[] quota = new int[groups.size()];
      boolean more = true;
      while (budget > 0 && more) {
        more = false;
        for (int g = 0; g < groups.size() && budget > 0; g++) {
          if (quota[g] < groups.get(g).size()) {
            quota[g]++;
            budget--;
            more = true;
          }
        }
      }
      for (int g = 0; g < groups.size(); g++) {
        List<Row> cell = groups.get(g);
        int n = cell.size();
        for (int j = 0; j < quota[g]; j++) {
          chosen.add(cell.get(quota[g] == n ? j : (int) ((j + 0.5) * n / quota[g])));
        }
      }
    }
    chosen.sort(Comparator.comparingInt((Row r) -> r.order));
    List<SweepView.CurveSeries> series = new ArrayList<>();
    for (Row r : chosen) {
      series.add(r.series());
    }
    return new SweepView.Curves(
        series.size(), withPoints, MAX_CURVES, CURVE_POINTS, List.copyOf(series));
  }

  /** Adds a trial's status to the counts at its value of every axis. */
  private static void count(
      Map<String, TreeMap<Comparable<?>, int[]>> axes, Trial t, LiveStatus status) {
    put(axes, "width", t.width(), status);
    put(axes, "depth", t.depth(), status);
    put(axes, "tokens", t.tokens(), status);
    put(axes, "batch_size", t.training().batchSize(), status);
    put(axes, "learning_rate", t.training().learningRate(), status);
    put(axes, "replica", t.replica(), status);
  }

  private static void put(
      Map<String, TreeMap<Comparable<?>, int[]>> axes,
      String axis,
      Comparable<?> value,
      LiveStatus status) {
    int[] c =
        axes.computeIfAbsent(axis, k -> new TreeMap<>()).computeIfAbsent(value, k -> new int[5]);
    switch (status) {
      case RUNNING, RETRIED -> c[1]++;
      case FINISHED -> c[2]++;
      case DIVERGED -> c[3]++;
      case FAILED -> c[4]++;
      default -> {}
    }
    c[0]++;
  }

  /** The axes with more than one value. */
  private static List<SweepView.AxisCounts> axisCounts(
      Map<String, TreeMap<Comparable<?>, int[]>> axes) {
    List<SweepView.AxisCounts> out = new ArrayList<>();
    axes.forEach(
        (axis, values) -> {
          if (values.size() > 1) {
            List<SweepView.ValueCounts> vs = new ArrayList<>();
            values.forEach(
                (v, c) ->
                    vs.add(
                        new SweepView.ValueCounts(
                            String.valueOf(v), c[0], c[1], c[2], c[3], c[4])));
            out.add(new SweepView.AxisCounts(axis, List.copyOf(vs)));
          }
        });
    return List.copyOf(out);
  }

  /** The order of a sort key; ties and rows without the value keep plan order. */
  private static Comparator<Row> comparator(String sort, long now) {
    Comparator<Row> plan = Comparator.comparingInt(r -> r.order);
    Comparator<Row> key =
        switch (sort) {
          case "id" -> Comparator.comparing(r -> r.id);
          case "width" -> Comparator.comparingLong(r -> r.shape()[0]);
          case "depth" -> Comparator.comparingLong(r -> r.shape()[1]);
          case "tokens" -> Comparator.comparingLong(r -> r.shape()[2]);
          case "flops" -> Comparator.comparingDouble(Row::workTotal);
          case "status" -> Comparator.comparingInt(r -> r.shownStatus().ordinal());
          case "step" -> Comparator.comparingLong(Row::stepNow);
          case "eval_loss" -> Comparator.comparingDouble(r -> r.lossNow(true));
          case "train_loss" -> Comparator.comparingDouble(r -> r.lossNow(false));
          case "updated" ->
              Comparator.comparingLong(
                  r -> r.live == null ? Long.MAX_VALUE : now - r.receivedAtMillis);
          default -> plan;
        };
    return key.thenComparing(plan);
  }

  /** A query's filters on a row. */
  private static final class Filter {
    private final Set<String> statuses;
    private final List<String[]> terms = new ArrayList<>();

    Filter(SweepQuery q) {
      this.statuses = q.statuses();
      for (String term : q.text().toLowerCase(Locale.ROOT).split("\\s+")) {
        if (term.isEmpty()) {
          continue;
        }
        int eq = term.indexOf('=');
        terms.add(
            eq < 0
                ? new String[] {null, term}
                : new String[] {term.substring(0, eq), term.substring(eq + 1)});
      }
    }

    boolean test(Row r, LiveStatus status) {
      if (!statuses.isEmpty() && !statuses.contains(status.label())) {
        return false;
      }
      for (String[] t : terms) {
        if (!matches(r, status, t[0], t[1])) {
          return false;
        }
      }
      return true;
    }

    private static boolean matches(Row r, LiveStatus status, String key, String value) {
      long[] shape = r.shape();
      String w = shape[0] < 0 ? "" : String.valueOf(shape[0]);
      String d = shape[1] < 0 ? "" : String.valueOf(shape[1]);
      String tokens = shape[2] < 0 ? "" : String.valueOf(shape[2]);
      if (key == null) {
        return r.id.toLowerCase(Locale.ROOT).contains(value)
            || value.equals(w)
            || value.equals(d)
            || value.equals(tokens);
      }
      return switch (key) {
        case "w", "width" -> value.equals(w);
        case "d", "depth" -> value.equals(d);
        case "tokens" -> value.equals(tokens);
        case "status" -> status.label().equals(value);
        case "id" -> r.id.toLowerCase(Locale.ROOT).contains(value);
        default -> false;
      };
    }
  }

  /** One trial's row with its curve, or empty for an id the model does not know. */
  public synchronized Optional<TrialView> trial(String id) {
    Row r = rows.get(id);
    return r == null ? Optional.empty() : Optional.of(r.view(System.currentTimeMillis(), true));
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** A trial's (or a trunk's) mutable state, guarded by the model's lock. */
  private static final class Row {
    final String id;
    final Trial trial;
    final Trunk trunk;
    final List<Row> branches = new ArrayList<>();
    final TreeMap<Long, LivePoint> curve = new TreeMap<>();
    boolean trains = true;

    /** The row's place in plan order, set by each snapshot. */
    int order;

    LiveStatus status = LiveStatus.PLANNED;
    LiveProgress live;
    long receivedAtMillis;
    TrialOutcome outcome;

    /** FLOPs done before this run (at the step the row's first task resumed from). */
    double baseline;

    boolean baselineSet;

    /**
     * @param trial the planned trial, null for a trunk or an id outside the plan
     * @param trunk the planned trunk, null for a trial or an id outside the plan
     */
    Row(String id, Trial trial, Trunk trunk) {
      this.id = id;
      this.trial = trial;
      this.trunk = trunk;
    }

    /** Optimizer steps of the whole run: a trunk's last fork, a trial's steps. */
    long totalSteps() {
      if (trunk != null) {
        return trunk.lastFork();
      }
      if (trial != null) {
        return trial.steps();
      }
      return live == null ? 0 : live.stepsPlanned();
    }

    /**
     * FLOPs of this row's work once it reached {@code step}: a trunk's 6N x tokens of its steps, a
     * branch's of its cooldown steps past its fork, another trial's share of its 6ND.
     */
    double workAt(long step) {
      if (trunk != null) {
        return trunk.flopsPerStep() * Math.max(0, Math.min(step, trunk.lastFork()));
      }
      if (trial == null || !trains) {
        return 0;
      }
      long s = Math.max(0, Math.min(step, trial.steps()));
      if (trial.branched()) {
        return Trunk.flopsPerStep(trial) * Math.max(0, s - trial.forkStep());
      }
      return trial.flops() * s / trial.steps();
    }

    double workTotal() {
      return trunk != null || trial != null ? workAt(totalSteps()) : 0;
    }

    /** The work done: all of it once committed (or, for a trunk, once it is over), else so far. */
    double workDone() {
      LiveStatus shown = shownStatus();
      if (outcome != null || (trial == null && shown.isFinal())) {
        return workTotal();
      }
      return live == null ? 0 : workAt(live.stepsDone());
    }

    /**
     * FLOPs of the longest chain of tasks still ahead that starts here: a trunk's steps to a fork
     * not yet trained plus that branch's remaining cooldown; a trial's own remaining work (a
     * branch's counts through its trunk).
     */
    double chainLeft() {
      if (trunk != null) {
        if (shownStatus().isFinal()) {
          return 0;
        }
        long at = live == null ? 0 : live.stepsDone();
        double longest = 0;
        for (Row b : branches) {
          if (b.outcome == null && b.trains) {
            double toFork = trunk.flopsPerStep() * Math.max(0, b.trial.forkStep() - at);
            longest = Math.max(longest, toFork + b.workTotal() - b.workDone());
          }
        }
        return longest;
      }
      if (trial == null || outcome != null || trial.branched()) {
        return 0;
      }
      return workTotal() - workDone();
    }

    /** The row's own FLOP rate while it trains (its tokens/s as 6N x tokens), else 0. */
    double flopRate() {
      if (status != LiveStatus.RUNNING || live == null || !(live.tokensPerSecond() > 0)) {
        return 0;
      }
      if (trunk != null) {
        return trunk.flopsPerStep() * live.tokensPerSecond() / trunk.longest().tokensPerStep();
      }
      if (trial == null || !trains) {
        return 0;
      }
      return trial.flops() / trial.steps() * live.tokensPerSecond() / trial.tokensPerStep();
    }

    boolean allBranchesCommitted() {
      return !branches.isEmpty() && branches.stream().allMatch(b -> b.outcome != null);
    }

    /**
     * The status shown: a trunk whose branches are all committed is over (finished when they all
     * finished, else as its worst branch: the trunk diverged or failed before their forks).
     */
    LiveStatus shownStatus() {
      if (trunk == null || status.isFinal() || !allBranchesCommitted()) {
        return status;
      }
      LiveStatus worst = LiveStatus.FINISHED;
      for (Row b : branches) {
        if (b.status == LiveStatus.FAILED) {
          worst = LiveStatus.FAILED;
        } else if (b.status == LiveStatus.DIVERGED && worst != LiveStatus.FAILED) {
          worst = LiveStatus.DIVERGED;
        }
      }
      return worst;
    }

    /**
     * Takes the commit: the outcome holds the final numbers and the curve, so the live curve is
     * dropped (kept only when the commit has no curve).
     */
    void commit(TrialOutcome o) {
      outcome = o;
      status = LiveStatus.of(o.result().status());
      if (!o.result().curve().isEmpty()) {
        curve.clear();
      }
    }

    /** The curve: the committed one once it exists, else the live points. */
    List<LivePoint> points() {
      if (outcome != null && !outcome.result().curve().isEmpty()) {
        List<LivePoint> out = new ArrayList<>();
        for (CurvePoint p : outcome.result().curve()) {
          out.add(new LivePoint(p.step(), p.tokens(), p.trainLoss(), p.evalLoss()));
        }
        return out;
      }
      return new ArrayList<>(curve.values());
    }

    boolean hasCurve() {
      return !curve.isEmpty() || (outcome != null && !outcome.result().curve().isEmpty());
    }

    /** Width, depth and planned tokens; -1 where unknown. */
    long[] shape() {
      if (trial != null) {
        return new long[] {trial.width(), trial.depth(), trial.tokens()};
      }
      if (trunk != null) {
        Trial l = trunk.longest();
        return new long[] {l.width(), l.depth(), trunk.lastFork() * l.tokensPerStep()};
      }
      return new long[] {-1, -1, -1};
    }

    long stepNow() {
      if (outcome != null) {
        return outcome.result().stepsDone();
      }
      return live == null ? 0 : live.stepsDone();
    }

    /** The newest held-out (or training) loss; +infinity when none, so that it sorts last. */
    double lossNow(boolean eval) {
      double v = Double.NaN;
      if (outcome != null) {
        v = eval ? outcome.result().finalEvalLoss() : outcome.result().finalTrainLoss();
      } else if (live != null) {
        v = eval ? live.evalLoss() : live.trainLoss();
      }
      return Double.isFinite(v) ? v : Double.POSITIVE_INFINITY;
    }

    /** The curve as the page draws it: thinned to {@link #CURVE_POINTS}, losses rounded. */
    SweepView.CurveSeries series() {
      List<LivePoint> all = points();
      int n = all.size();
      int m = Math.min(n, CURVE_POINTS);
      List<Long> steps = new ArrayList<>(m);
      List<Long> tokens = new ArrayList<>(m);
      List<Double> train = new ArrayList<>(m);
      List<Double> eval = new ArrayList<>(m);
      int previous = -1;
      for (int i = 0; i < m; i++) {
        // Evenly over the points, the first and the last kept.
        int at = m == 1 ? n - 1 : (int) Math.round((double) i * (n - 1) / (m - 1));
        if (at == previous) {
          continue;
        }
        previous = at;
        LivePoint p = all.get(at);
        steps.add(p.step());
        tokens.add(p.tokens());
        train.add(round(p.trainLoss()));
        eval.add(round(p.evalLoss()));
      }
      long[] shape = shape();
      return new SweepView.CurveSeries(
          id,
          shownStatus().label(),
          shape[0] < 0 ? null : (int) shape[0],
          shape[1] < 0 ? null : (int) shape[1],
          shape[2] < 0 ? null : shape[2],
          steps,
          tokens,
          train,
          eval);
    }

    private static Double round(double v) {
      return Double.isFinite(v) ? Math.round(v * 1e4) / 1e4 : null;
    }

    void addPoint(LivePoint p) {
      LivePoint old = curve.get(p.step());
      if (old != null) {
        p =
            new LivePoint(
                p.step(),
                p.tokens(),
                Double.isNaN(p.trainLoss()) ? old.trainLoss() : p.trainLoss(),
                p.hasEval() ? p.evalLoss() : old.evalLoss());
      }
      curve.put(p.step(), p);
      if (curve.size() > MAX_CURVE) {
        // Thin the older half: keep every other point, always the evaluated ones and the newest.
        List<Long> steps = new ArrayList<>(curve.keySet());
        for (int i = 1; i < steps.size() / 2; i += 2) {
          if (!curve.get(steps.get(i)).hasEval()) {
            curve.remove(steps.get(i));
          }
        }
        while (curve.size() > MAX_CURVE) {
          curve.remove(secondKey());
        }
      }
    }

    private long secondKey() {
      return curve.higherKey(curve.firstKey());
    }

    TrialView view(long now, boolean withCurve) {
      List<CurveView> points = null;
      if (withCurve) {
        points =
            points().stream()
                .map(
                    p ->
                        new CurveView(
                            p.step(), p.tokens(), finite(p.trainLoss()), finite(p.evalLoss())))
                .toList();
      }
      Double ago = live == null ? null : (now - receivedAtMillis) / 1000.0;
      LiveStatus shown = shownStatus();
      TrialView.Builder row =
          TrialView.builder(id, trial == null ? "trunk" : "trial")
              .status(shown.label())
              .steps(trial == null && trunk == null ? null : totalSteps())
              .updatedSecondsAgo(ago)
              .curve(points);
      if (trial != null) {
        row.shape(trial.width(), trial.depth(), trial.tokens(), trial.flops());
      } else if (trunk != null) {
        Trial l = trunk.longest();
        row.shape(l.width(), l.depth(), trunk.lastFork() * l.tokensPerStep(), workTotal());
      }
      if (outcome != null) {
        var res = outcome.result();
        return row.attempt(outcome.attempt())
            .executor(outcome.executorId())
            .host(outcome.host())
            .device(res.device())
            .step(res.stepsDone())
            .tokensDone(res.tokensTrained())
            .trainLoss(finite(res.finalTrainLoss()))
            .evalLoss(finite(res.finalEvalLoss()))
            .tokensPerSecond(finite(res.tokensPerSecond()))
            .wallSeconds(finite(res.wallSeconds()))
            .build();
      }
      if (live == null) {
        return trunk != null && shown == LiveStatus.FINISHED
            ? row.step(totalSteps()).build() // trained in an earlier run
            : row.build();
      }
      long steps = Math.max(totalSteps(), live.stepsDone());
      Double eta =
          shown == LiveStatus.RUNNING && live.tokensPerSecond() > 0 && live.stepsDone() > 0
              ? Math.max(0, steps - live.stepsDone())
                  * ((double) live.tokensDone() / live.stepsDone())
                  / live.tokensPerSecond()
              : null;
      return row.attempt(live.attempt())
          .executor(live.executorId())
          .host(live.host())
          .device(live.device())
          .step(live.stepsDone())
          .steps(steps)
          .tokensDone(live.tokensDone())
          .trainLoss(finite(live.trainLoss()))
          .evalLoss(finite(live.evalLoss()))
          .tokensPerSecond(finite(live.tokensPerSecond()))
          .etaSeconds(eta)
          .build();
    }
  }
}
