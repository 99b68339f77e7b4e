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
import dev.scaling.driver.plan.Trunks;
import dev.scaling.worker.Checkpoints;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
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
public final class GraphRunner {
  private GraphRunner() {}

  /** Which kind of task ran. */
  public enum Kind {
    /** A trunk segment: constant learning rate up to a fork. */
    TRUNK,
    /** A branch: one grid point's cooldown from its fork to its end. */
    BRANCH
  }

  /**
   * One task of the graph as it ran.
   *
   * @param kind trunk segment or branch
   * @param trunkId the trunk
   * @param trialId the branch's trial, null for a segment
   * @param fromStep the step it started from (a checkpoint's, or 0)
   * @param toStep the step it ended at
   * @param flops 6N x tokens of the steps it trained
   * @param startSeconds when its job was submitted, seconds after the graph started
   * @param endSeconds when its job ended, seconds after the graph started
   * @param status how it ended
   */
  public record TaskRun(
      Kind kind,
      String trunkId,
      String trialId,
      long fromStep,
      long toStep,
      double flops,
      double startSeconds,
      double endSeconds,
      TrialStatus status) {
    /** Wall seconds of the task's job. */
    public double seconds() {
      return endSeconds - startSeconds;
    }
  }

  /**
   * What running the graph produced.
   *
   * @param runId this run's id
   * @param outcomes the outcomes of the branches this run committed (trained, diverged or failed)
   * @param tasks every task that ran, in completion order
   * @param slots the concurrent tasks the graph kept busy
   * @param independentFlops 6N x tokens of this run's branches trained as independent runs
   */
  public record Trained(
      String runId,
      List<TrialOutcome> outcomes,
      List<TaskRun> tasks,
      int slots,
      double independentFlops) {
    public Trained {
      outcomes = List.copyOf(outcomes);
      tasks = List.copyOf(tasks);
    }

    /** FLOPs this run trained: its segments' and branches' steps. */
    public double flopsSpent() {
      return tasks.stream().mapToDouble(TaskRun::flops).sum();
    }

    /** From the first task's start to the last one's end. */
    public double makespanSeconds() {
      return tasks.stream().mapToDouble(TaskRun::endSeconds).max().orElse(0)
          - tasks.stream().mapToDouble(TaskRun::startSeconds).min().orElse(0);
    }

    /** Slot-seconds of the makespan no task used. */
    public double idleSlotSeconds() {
      return slots * makespanSeconds() - tasks.stream().mapToDouble(TaskRun::seconds).sum();
    }

    /**
     * The task graph's lower bound on the makespan with the measured task times: max(total work /
     * slots, longest path), the longest path being a trunk's segments up to a fork plus that fork's
     * branch.
     */
    public double lowerBoundSeconds() {
      double work = tasks.stream().mapToDouble(TaskRun::seconds).sum();
      Map<String, List<TaskRun>> segments = new HashMap<>();
      for (TaskRun t : tasks) {
        if (t.kind() == Kind.TRUNK) {
          segments.computeIfAbsent(t.trunkId(), k -> new ArrayList<>()).add(t);
        }
      }
      double path = 0;
      for (TaskRun t : tasks) {
        double before =
            t.kind() == Kind.BRANCH
                ? segments.getOrDefault(t.trunkId(), List.of()).stream()
                    .filter(s -> s.toStep() <= t.fromStep())
                    .mapToDouble(TaskRun::seconds)
                    .sum()
                : segments.get(t.trunkId()).stream()
                    .filter(s -> s.toStep() < t.toStep())
                    .mapToDouble(TaskRun::seconds)
                    .sum();
        path = Math.max(path, before + t.seconds());
      }
      return Math.max(work / Math.max(1, slots), path);
    }
  }

  /** A task of the graph, waiting or running. */
  private sealed interface Node permits SegmentNode, BranchNode {
    /** Estimated FLOPs of this task. */
    double cost();

    /** Estimated FLOPs of the longest chain of tasks starting with this one. */
    double criticalPath();

    /** A stable tie-break. */
    String key();
  }

  /** A trunk segment with its successors: the branches forking at its end and the next segment. */
  private static final class SegmentNode implements Node {
    final Trunk trunk;
    final long fromStep;
    final long stopStep;
    final List<Trial> forks;
    SegmentNode next;
    double criticalPath;

    SegmentNode(Trunk trunk, long fromStep, long stopStep, List<Trial> forks) {
      this.trunk = trunk;
      this.fromStep = fromStep;
      this.stopStep = stopStep;
      this.forks = forks;
    }

    @Override
    public double cost() {
      return trunk.flopsPerStep() * (stopStep - fromStep);
    }

    @Override
    public double criticalPath() {
      return criticalPath;
    }

    @Override
    public String key() {
      return trunk.trunkId() + "@" + stopStep;
    }
  }

  /** A branch: its cooldown from {@code fromStep} (its fork, or a later checkpoint) to its end. */
  private record BranchNode(Trial trial, long fromStep) implements Node {
    @Override
    public double cost() {
      return Trunk.flopsPerStep(trial) * (trial.steps() - fromStep);
    }

    @Override
    public double criticalPath() {
      return cost();
    }

    @Override
    public String key() {
      return trial.trialId();
    }
  }

  /** A finished job: the node and what it returned or threw. */
  private record Done(
      Node node, Object result, Throwable error, double startSeconds, double endSeconds) {}

  /**
   * Trains the branches {@code todo} (branched trials of {@code plan} without a commit) and the
   * trunk segments they still need; each branch task commits its outcome under {@code outDir}.
   */
  public static Trained train(
      SparkSession spark,
      Plan plan,
      List<Trial> todo,
      String outDir,
      double checkpointSeconds,
      Configuration hadoop,
      PrintStream console)
      throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    String runId = SweepRunner.runId(spark);
    int slots = SweepRunner.slots(spark);
    if (todo.isEmpty()) {
      return new Trained(runId, List.of(), List.of(), slots, 0);
    }
    String sweep = plan.spec().name();
    String group = "sweep-" + sweep;
    SweepAccumulators accumulators = SweepAccumulators.register(spark.sparkContext(), sweep);
    int maxAttempts = SweepRunner.maxAttempts(jsc.getConf());
    TrunkTask trunkTask = new TrunkTask(outDir, maxAttempts, accumulators, checkpointSeconds);
    TrialTask branchTask =
        new TrialTask(runId, outDir, maxAttempts, accumulators, checkpointSeconds);
    Checkpoints store = TrunkTask.checkpoints(hadoop, outDir, 0);
    CommitLog commits = new CommitLog(outDir, hadoop);

    PriorityQueue<Node> ready =
        new PriorityQueue<>(
            Comparator.comparingDouble(Node::criticalPath)
                .reversed()
                .thenComparing(Comparator.comparingDouble(Node::cost).reversed())
                .thenComparing(Node::key));
    Set<String> todoIds = new HashSet<>();
    todo.forEach(t -> todoIds.add(t.trialId()));
    double independent = 0;
    int totalTasks = 0;
    for (Trunk trunk : Trunks.of(plan.trials())) {
      List<Trial> pending =
          trunk.branches().stream().filter(b -> todoIds.contains(b.trialId())).toList();
      for (Trial b : trunk.branches()) {
        if (!todoIds.contains(b.trialId())) {
          store.clear(b.trialId()); // committed, but the driver died before its task cleaned up
        }
      }
      if (pending.isEmpty()) {
        store.clear(trunk.trunkId()); // every branch committed: the trunk is never trained again
        continue;
      }
      Map<Long, List<Trial>> needFork = new TreeMap<>();
      for (Trial b : pending) {
        independent += 6.0 * b.nParams() * b.tokensTrained();
        long saved = store.newestStep(b.trialId());
        if (saved >= b.forkStep()) {
          ready.add(new BranchNode(b, saved));
          totalTasks++;
        } else {
          needFork.computeIfAbsent(b.forkStep(), k -> new ArrayList<>()).add(b);
        }
      }
      long at = Math.max(0, store.newestStep(trunk.trunkId()));
      SegmentNode first = null;
      SegmentNode previous = null;
      for (Map.Entry<Long, List<Trial>> fork : needFork.entrySet()) {
        long from = at <= fork.getKey() ? at : 0; // a trunk checkpoint past the fork is no use
        SegmentNode node = new SegmentNode(trunk, from, fork.getKey(), fork.getValue());
        totalTasks += 1 + fork.getValue().size();
        if (previous == null) {
          first = node;
        } else {
          previous.next = node;
        }
        previous = node;
        at = fork.getKey();
      }
      if (first != null) {
        criticalPaths(first);
        ready.add(first);
      }
    }
    console.printf(
        Locale.ROOT,
        "Task graph: %d task(s) (trunk segments and branches) on %d slot(s), highest critical path"
            + " first%n",
        totalTasks,
        slots);

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
    List<TrialOutcome> outcomes = new ArrayList<>();
    List<TaskRun> runs = new ArrayList<>();
    int running = 0;
    int finishedTasks = 0;
    try {
      while (!ready.isEmpty() || running > 0) {
        while (running < slots && !ready.isEmpty()) {
          Node node = ready.poll();
          completions.submit(() -> run(jsc, group, sweep, node, trunkTask, branchTask, graphStart));
          running++;
        }
        Done done = completions.take().get();
        running--;
        finishedTasks++;
        if (done.node() instanceof SegmentNode segment) {
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
          runs.add(
              new TaskRun(
                  Kind.TRUNK,
                  segment.trunk.trunkId(),
                  null,
                  result.resumedFromStep(),
                  result.stepsDone(),
                  segment.trunk.flopsPerStep() * result.stepsTrained(),
                  done.startSeconds(),
                  done.endSeconds(),
                  result.status()));
          if (result.status() == TrialStatus.FINISHED) {
            console.printf(
                Locale.ROOT,
                "[%d/%d] trunk %s reached step %d (resumed at %d) in %s; %d branch(es) fork%n",
                finishedTasks,
                totalTasks,
                segment.trunk.trunkId(),
                result.stepsDone(),
                result.resumedFromStep(),
                Durations.format(done.endSeconds() - done.startSeconds()),
                segment.forks.size());
            for (Trial b : segment.forks) {
              ready.add(new BranchNode(b, segment.stopStep));
            }
            if (segment.next != null) {
              ready.add(segment.next);
            } else {
              store.clear(segment.trunk.trunkId()); // the last fork is written
            }
          } else {
            List<Trial> lost = new ArrayList<>();
            for (SegmentNode s = segment; s != null; s = s.next) {
              lost.addAll(s.forks);
              finishedTasks += s == segment ? s.forks.size() : 1 + s.forks.size();
            }
            console.printf(
                Locale.ROOT,
                "trunk %s %s at step %d: %d branch(es) not yet forked are recorded %s: %s%n",
                segment.trunk.trunkId(),
                result.status().label(),
                result.stepsDone(),
                lost.size(),
                result.status().label(),
                result.error());
            for (Trial b : lost) {
              outcomes.add(
                  commitWithoutTraining(
                      commits, b, result, runId, outcome, accumulators.trialsFailed()));
            }
            store.clear(segment.trunk.trunkId());
          }
        } else {
          BranchNode branch = (BranchNode) done.node();
          TrialOutcome outcome;
          if (done.error() == null) {
            outcome = (TrialOutcome) done.result();
          } else {
            outcome =
                commitWithoutTraining(
                    commits,
                    branch.trial(),
                    new TrunkResult(
                        branch.trial().trunkId(),
                        TrialStatus.FAILED,
                        branch.fromStep(),
                        branch.fromStep(),
                        "the branch's Spark job failed: " + done.error(),
                        0,
                        "unknown"),
                    runId,
                    null,
                    accumulators.trialsFailed());
          }
          outcomes.add(outcome);
          TrialResult r = outcome.result();
          long trained = Math.max(0, r.stepsDone() - branch.fromStep());
          runs.add(
              new TaskRun(
                  Kind.BRANCH,
                  branch.trial().trunkId(),
                  branch.trial().trialId(),
                  branch.fromStep(),
                  r.stepsDone(),
                  Trunk.flopsPerStep(branch.trial()) * trained,
                  done.startSeconds(),
                  done.endSeconds(),
                  r.status()));
          console.printf(
              Locale.ROOT,
              "[%d/%d] branch %s (D=%d, trunk %s) %s from step %d: eval loss %.4f in %s%n",
              finishedTasks,
              totalTasks,
              branch.trial().trialId(),
              branch.trial().tokens(),
              branch.trial().trunkId(),
              r.status().label(),
              branch.fromStep(),
              r.finalEvalLoss(),
              Durations.format(done.endSeconds() - done.startSeconds()));
        }
      }
    } finally {
      pool.shutdownNow();
      jsc.clearJobGroup();
    }
    Trained trained = new Trained(runId, outcomes, runs, slots, independent);
    console.printf(
        Locale.ROOT,
        "Compute spent: %.3g FLOPs, %.2fx of the same branches as independent runs (%.3g);"
            + " makespan %s, %.2fx the task graph's lower bound %s, %.0f idle slot-seconds%n",
        trained.flopsSpent(),
        independent > 0 ? trained.flopsSpent() / independent : Double.NaN,
        independent,
        Durations.format(trained.makespanSeconds()),
        trained.makespanSeconds() / Math.max(1e-9, trained.lowerBoundSeconds()),
        Durations.format(trained.lowerBoundSeconds()),
        trained.idleSlotSeconds());
    return trained;
  }

  /** Estimated critical paths of a trunk's chain of segments, from its last segment back. */
  private static void criticalPaths(SegmentNode first) {
    List<SegmentNode> chain = new ArrayList<>();
    for (SegmentNode s = first; s != null; s = s.next) {
      chain.add(s);
    }
    double after = 0;
    for (int i = chain.size() - 1; i >= 0; i--) {
      SegmentNode s = chain.get(i);
      double branch =
          s.forks.stream().mapToDouble(b -> new BranchNode(b, s.stopStep).cost()).max().orElse(0);
      s.criticalPath = s.cost() + Math.max(branch, after);
      after = s.criticalPath;
    }
  }

  /** Runs one node as a one-partition Spark job on a pool thread; never throws. */
  private static Done run(
      JavaSparkContext jsc,
      String group,
      String sweep,
      Node node,
      TrunkTask trunkTask,
      TrialTask branchTask,
      long graphStart) {
    double start = (System.nanoTime() - graphStart) / 1e9;
    try {
      Object result;
      if (node instanceof SegmentNode s) {
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
        TrunkSegment segment =
            new TrunkSegment(l, s.stopStep, s.forks.stream().map(Trial::trialId).toList());
        result = jsc.parallelize(List.of(segment), 1).mapPartitions(trunkTask).collect().get(0);
      } else {
        BranchNode b = (BranchNode) node;
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
