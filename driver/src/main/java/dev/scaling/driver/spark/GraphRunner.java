package dev.scaling.driver.spark;

import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.common.trial.TrunkResult;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.plan.Durations;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Trunk;
import dev.scaling.worker.Checkpoints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * Runs the trials of branching schedules (wsd) as a task graph on Spark: each trunk is a chain of
 * segment tasks, one per fork step, and each branch (a point of the grid, an ordinary {@link
 * Trial}) is a task that becomes runnable the moment its trunk has passed its fork, and runs on any
 * free slot while the trunk goes on. Every task is a one-partition Spark job, submitted from a pool
 * of {@code slots} driver threads only when a slot is free, so Spark's queue never holds work in an
 * order other than ours: highest critical path first (the trunk's remaining segments plus its
 * longest remaining cooldown, estimated in FLOPs), then descending cost.
 *
 * <p>Durability: a segment saves each branch's start as that branch's newest checkpoint in {@code
 * OUT/checkpoints} (kept until the branch commits) and its end as the trunk's. A rerun skips
 * committed branches, starts a branch that has a checkpoint at once, resumes the trunk from its
 * newest checkpoint only for the forks still missing, and trains no trunk whose branches are all
 * committed. A trunk that diverges or fails commits every branch not yet forked with its status and
 * the trunk's step.
 */
public final class GraphRunner implements TrialExecutor {

  /** A finished job: the node and what it returned or threw. */
  private record Done(
      TaskGraph.Node node,
      Object result,
      Throwable error,
      double startSeconds,
      double endSeconds) {}

  /** What the scheduling loop carries from job to job. */
  private static final class Run {
    final String runId;
    final CommitLog commits;
    final Checkpoints store;
    final SweepAccumulators accumulators;
    final ProgressMonitor monitor;
    final TaskGraph graph;
    final List<TrialOutcome> outcomes = new ArrayList<>();
    final List<TaskGraphRun.TaskRun> runs = new ArrayList<>();

    Run(
        String runId,
        CommitLog commits,
        Checkpoints store,
        SweepAccumulators accumulators,
        ProgressMonitor monitor,
        TaskGraph graph) {
      this.runId = runId;
      this.commits = commits;
      this.store = store;
      this.accumulators = accumulators;
      this.monitor = monitor;
      this.graph = graph;
    }
  }

  /**
   * Trains the branches {@code todo} (branched trials of {@code plan} without a commit) and the
   * trunk segments they still need; each branch task commits its outcome under OUT.
   */
  @Override
  public Trained train(SparkSession spark, Plan plan, List<Trial> todo, Settings settings)
      throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    TrialTraining.refuseStandIn(jsc.getConf(), "the task graph of branching (wsd) schedules");
    String runId = SweepRunner.runId(spark);
    int slots = SweepRunner.slots(spark);
    if (todo.isEmpty()) {
      return new Trained(runId, List.of(), new TaskGraphRun(List.of(), slots, 0));
    }
    String outDir = settings.outDir();
    String sweep = plan.spec().name();
    String group = "sweep-" + sweep;
    SweepAccumulators accumulators = SweepAccumulators.register(spark.sparkContext(), sweep);
    int maxAttempts = SweepRunner.maxAttempts(jsc.getConf());
    double checkpointSeconds = settings.checkpointSeconds();
    TrunkTask trunkTask = new TrunkTask(outDir, maxAttempts, accumulators, checkpointSeconds);
    TrialTask branchTask =
        new TrialTask(runId, outDir, maxAttempts, accumulators, checkpointSeconds);
    Checkpoints store = TrunkTask.checkpoints(settings.hadoop(), outDir, 0);
    TaskGraph graph = TaskGraph.build(plan, todo, store);
    ProgressMonitor monitor =
        new ProgressMonitor(
            new Plan(plan.spec(), todo),
            group,
            settings.console(),
            System.console() != null,
            graph.totalFlops);
    spark.sparkContext().addSparkListener(monitor);
    Run run =
        new Run(
            runId, new CommitLog(outDir, settings.hadoop()), store, accumulators, monitor, graph);
    monitor.note(
        String.format(
            Locale.ROOT,
            "Task graph: %d task(s) (trunk segments and branches) on %d slot(s), highest critical"
                + " path first",
            graph.totalTasks,
            slots));
    long graphStart = System.nanoTime();
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            slots,
            r -> {
              Thread t = new Thread(r, "sweep-graph-" + threadNumber.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    ExecutorCompletionService<Done> completions = new ExecutorCompletionService<>(pool);
    int running = 0;
    try {
      while (!graph.ready.isEmpty() || running > 0) {
        while (running < slots && !graph.ready.isEmpty()) {
          TaskGraph.Node node = graph.ready.poll();
          completions.submit(
              () -> run(jsc, group, sweep, node, trunkTask, branchTask, monitor, graphStart));
          running++;
        }
        Done done = completions.take().get();
        running--;
        if (done.node() instanceof TaskGraph.SegmentNode segment) {
          segmentDone(run, segment, done);
        } else {
          branchDone(run, (TaskGraph.BranchNode) done.node(), done);
        }
      }
    } finally {
      pool.shutdownNow();
      monitor.finish();
      spark.sparkContext().removeSparkListener(monitor);
      jsc.clearJobGroup();
    }
    TaskGraphRun schedule = new TaskGraphRun(run.runs, slots, graph.independentFlops);
    monitor.note(schedule.summary());
    return new Trained(runId, run.outcomes, schedule);
  }

  /**
   * A segment ended: on success its forks become runnable and the next segment follows; otherwise
   * every branch not yet forked is committed with the trunk's status.
   */
  private static void segmentDone(Run run, TaskGraph.SegmentNode segment, Done done)
      throws IOException {
    SegmentOutcome outcome = done.error() == null ? (SegmentOutcome) done.result() : null;
    TrunkResult result =
        outcome != null
            ? outcome.result()
            : new TrunkResult(
                segment.trunk.trunkId(),
                TrialStatus.FAILED,
                segment.fromStep,
                segment.fromStep,
                String.valueOf(done.error()),
                done.endSeconds() - done.startSeconds(),
                "unknown");
    run.runs.add(
        new TaskGraphRun.TaskRun(
            TaskGraphRun.Kind.TRUNK,
            segment.trunk.trunkId(),
            null,
            result.resumedFromStep(),
            result.stepsDone(),
            segment.trunk.flopsPerStep() * result.stepsTrained(),
            done.startSeconds(),
            done.endSeconds(),
            result.status()));
    if (result.status() == TrialStatus.FINISHED) {
      run.monitor.note(
          String.format(
              Locale.ROOT,
              "trunk %s reached step %d (resumed at %d) in %s; %d branch(es) fork",
              segment.trunk.trunkId(),
              result.stepsDone(),
              result.resumedFromStep(),
              Durations.format(done.endSeconds() - done.startSeconds()),
              segment.forks.size()));
      for (Trial b : segment.forks) {
        run.graph.ready.add(new TaskGraph.BranchNode(b, segment.stopStep));
      }
      if (segment.next != null) {
        run.graph.ready.add(segment.next);
      } else {
        run.store.clear(segment.trunk.trunkId()); // the last fork is written
      }
      return;
    }
    List<Trial> lost = new ArrayList<>();
    for (TaskGraph.SegmentNode s = segment; s != null; s = s.next) {
      lost.addAll(s.forks);
    }
    run.monitor.note(
        String.format(
            Locale.ROOT,
            "trunk %s %s at step %d: %d branch(es) not yet forked are recorded %s: %s",
            segment.trunk.trunkId(),
            result.status().label(),
            result.stepsDone(),
            lost.size(),
            result.status().label(),
            result.error()));
    for (Trial b : lost) {
      run.outcomes.add(
          commitWithoutTraining(
              run.commits, b, result, run.runId, outcome, run.accumulators.trialsFailed()));
    }
    run.store.clear(segment.trunk.trunkId());
  }

  /** A branch ended: its outcome (committed by its task, or here when its job failed). */
  private static void branchDone(Run run, TaskGraph.BranchNode branch, Done done)
      throws IOException {
    TrialOutcome outcome;
    if (done.error() == null) {
      outcome = (TrialOutcome) done.result();
    } else {
      outcome =
          commitWithoutTraining(
              run.commits,
              branch.trial(),
              new TrunkResult(
                  branch.trial().trunkId(),
                  TrialStatus.FAILED,
                  branch.fromStep(),
                  branch.fromStep(),
                  "the branch's Spark job failed: " + done.error(),
                  0,
                  "unknown"),
              run.runId,
              null,
              run.accumulators.trialsFailed());
    }
    run.outcomes.add(outcome);
    TrialResult r = outcome.result();
    long trained = Math.max(0, r.stepsDone() - branch.fromStep());
    run.runs.add(
        new TaskGraphRun.TaskRun(
            TaskGraphRun.Kind.BRANCH,
            branch.trial().trunkId(),
            branch.trial().trialId(),
            branch.fromStep(),
            r.stepsDone(),
            Trunk.flopsPerStep(branch.trial()) * trained,
            done.startSeconds(),
            done.endSeconds(),
            r.status()));
  }

  /** Runs one node as a one-partition Spark job on a pool thread; never throws. */
  private static Done run(
      JavaSparkContext jsc,
      String group,
      String sweep,
      TaskGraph.Node node,
      TrunkTask trunkTask,
      TrialTask branchTask,
      ProgressMonitor monitor,
      long graphStart) {
    double start = (System.nanoTime() - graphStart) / 1e9;
    try {
      Object result;
      if (node instanceof TaskGraph.SegmentNode s) {
        Trial l = s.trunk.longest();
        jsc.setJobGroup(
            group,
            String.format(
                Locale.ROOT,
                "sweep %s: trunk %s (width %d, depth %d) steps %d-%d, forks %s",
                sweep,
                s.trunk.trunkId(),
                l.width(),
                l.depth(),
                s.fromStep,
                s.stopStep,
                s.forks.stream().map(b -> "D=" + b.tokens()).toList()),
            true);
        String key = "segment:" + s.key();
        monitor.expectSegment(
            key,
            s.cost(),
            String.format(
                Locale.ROOT,
                "trunk %s (w=%d d=%d) steps %d-%d (%d branch(es) fork)",
                s.trunk.trunkId(),
                l.width(),
                l.depth(),
                s.fromStep,
                s.stopStep,
                s.forks.size()));
        jsc.setLocalProperty(ProgressMonitor.PART_PROPERTY, key);
        TrunkSegment segment =
            new TrunkSegment(
                l,
                s.fromStep,
                s.stopStep,
                Math.max(s.stopStep, s.trunk.lastFork()),
                s.forks.stream().map(Trial::trialId).toList());
        result = jsc.parallelize(List.of(segment), 1).mapPartitions(trunkTask).collect().get(0);
      } else {
        TaskGraph.BranchNode b = (TaskGraph.BranchNode) node;
        Trial t = b.trial();
        jsc.setJobGroup(
            group,
            String.format(
                Locale.ROOT,
                "sweep %s: branch %s (width %d, depth %d, D=%d) of trunk %s, cooldown steps %d-%d",
                sweep,
                t.trialId(),
                t.width(),
                t.depth(),
                t.tokens(),
                t.trunkId(),
                b.fromStep(),
                t.steps()),
            true);
        String key = "branch:" + t.trialId();
        monitor.expect(key, t, b.cost());
        jsc.setLocalProperty(ProgressMonitor.PART_PROPERTY, key);
        result = jsc.parallelize(List.of(t), 1).mapPartitions(branchTask).collect().get(0);
      }
      return new Done(node, result, null, start, (System.nanoTime() - graphStart) / 1e9);
    } catch (Exception | Error e) {
      return new Done(node, null, e, start, (System.nanoTime() - graphStart) / 1e9);
    }
  }

  /** Commits a branch that never trained: its trunk diverged or failed before its fork. */
  private static TrialOutcome commitWithoutTraining(
      CommitLog commits,
      Trial branch,
      TrunkResult trunk,
      String runId,
      SegmentOutcome where,
      LongAccumulator failed)
      throws IOException {
    String error =
        "trunk "
            + trunk.trunkId()
            + " "
            + trunk.status().label()
            + " at step "
            + trunk.stepsDone()
            + " before this branch's fork at step "
            + branch.forkStep()
            + ": "
            + trunk.error();
    TrialResult result =
        TrialResult.builder(branch.trialId(), trunk.status())
            .error(error)
            .stepsDone(trunk.stepsDone())
            .tokensTrained(trunk.stepsDone() * branch.tokensPerStep())
            .device(trunk.device())
            .build();
    failed.add(1);
    return commits.commit(
        new TrialOutcome(
            branch,
            result,
            runId,
            where == null ? "driver" : where.executorId(),
            where == null ? "" : where.host(),
            where == null ? 0 : where.attempt(),
            TrialProvenance.current()));
  }
}
