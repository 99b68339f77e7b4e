package dev.scaling.driver.spark;

import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.spark.ProgressMonitor.Exhausted;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a plan's trials on Spark, one trial per partition in plan order (most expensive first),
 * under a job group named after the sweep so the Spark UI shows which sweep and trials are running.
 *
 * <p>When the application has GPUs ({@code spark.executor.resource.gpu.amount} set) and {@value
 * #SHARE_BELOW_FLOPS} is positive, trials cheaper than that many 6ND FLOPs run as a second job at
 * the same time, whose RDD carries a stage-level task resource profile asking for {@value
 * #SHARE_TASK_AMOUNT} (default 0.5) of a GPU, so small trials share a GPU while big ones get a
 * whole one. Spark's local mode cannot schedule GPUs; there everything is one job.
 *
 * <p><b>Poison trials.</b> A trial whose every attempt kills its executor (OOM, SIGKILL, a native
 * crash) makes Spark abort its job after {@code spark.task.maxFailures} attempts, cancelling the
 * other trials of that job. The runner then commits that trial as {@code failed} with the attempts'
 * reasons (as the {@link ProgressMonitor} saw them) and submits the trials not yet committed again,
 * until every trial is committed. When several trials of a job exhausted their attempts (a trial
 * that shared the poison trial's executor on every attempt dies as often as it does), each of them
 * runs again alone, as a job of its own, and only those that still kill their executor are recorded
 * as failed. A job that fails for any other reason stops the run.
 */
public final class SweepRunner implements TrialExecutor {

  /** Spark conf: trials under this many 6ND FLOPs share GPUs (0 or unset: never). */
  public static final String SHARE_BELOW_FLOPS = "spark.sweep.gpu.shareBelowFlops";

  /** Spark conf: the task GPU amount of a sharing trial (default 0.5: two per GPU). */
  public static final String SHARE_TASK_AMOUNT = "spark.sweep.gpu.shareTaskAmount";

  /**
   * Trains every trial of {@code trials} (a subset of {@code plan}, in plan order); each task
   * commits its outcome under {@code outDir} and the outcomes are also collected here.
   */
  @Override
  public Trained train(SparkSession spark, Plan plan, List<Trial> trials, Settings settings)
      throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    String runId = runId(spark);
    if (trials.isEmpty()) {
      return Trained.independent(runId, List.of());
    }
    Plan subPlan = new Plan(plan.spec(), trials);
    String group = "sweep-" + plan.spec().name();
    jsc.setJobGroup(
        group,
        String.format(
            "sweep %s: %d trials, %.3g FLOPs",
            plan.spec().name(), trials.size(), subPlan.totalFlops()),
        true);
    SweepAccumulators accumulators =
        SweepAccumulators.register(spark.sparkContext(), plan.spec().name());
    SparkConf conf = jsc.getConf();
    int maxAttempts = maxAttempts(conf);
    ProgressMonitor monitor =
        new ProgressMonitor(subPlan, group, settings.console(), System.console() != null);
    spark.sparkContext().addSparkListener(monitor);
    TrialTask task =
        new TrialTask(
            runId, settings.outDir(), maxAttempts, accumulators, settings.checkpointSeconds());
    CommitLog commits = new CommitLog(settings.outDir(), settings.hadoop());
    Map<String, TrialOutcome> outcomes = new HashMap<>();
    try {
      // Rounds: a job fails only when Spark gave up on a task (every attempt lost its executor);
      // that trial is committed as failed here and the trials not yet committed (those cancelled
      // with the job included) go on in the next round. Each failed round commits at least one
      // trial, so there are at most trials.size() rounds.
      List<Trial> pending = trials;
      for (int round = 0; !pending.isEmpty(); round++) {
        List<Round> jobs =
            submit(
                jsc, plan.spec().name(), pending, round == 0 ? task : task.resubmitted(), monitor);
        List<Throwable> failures = new ArrayList<>();
        List<Exhausted> poisoned = new ArrayList<>();
        for (Round job : jobs) {
          try {
            job.future().get().forEach(o -> outcomes.put(o.trial().trialId(), o));
          } catch (ExecutionException e) {
            failures.add(e.getCause());
            poisoned.addAll(exhausted(monitor, job, maxAttempts));
          }
        }
        if (failures.isEmpty()) {
          break;
        }
        if (poisoned.isEmpty()) {
          Throwable cause = failures.get(0);
          throw cause instanceof Exception ex ? ex : new RuntimeException(cause);
        }
        if (poisoned.size() > 1) {
          // Trials that shared an executor with the poison trial on every attempt failed as often
          // as it did: each suspect runs again alone, where only its own crash can fail it.
          monitor.note(
              String.format(
                  "%d trials lost their executor on all %d attempts; each runs again alone to"
                      + " tell the poison trial from its neighbours",
                  poisoned.size(), maxAttempts));
          List<Exhausted> alone = new ArrayList<>();
          for (Exhausted suspect : poisoned) {
            Round job =
                submit(
                        jsc,
                        plan.spec().name(),
                        List.of(suspect.trial()),
                        task.resubmitted(),
                        monitor)
                    .get(0);
            try {
              job.future().get().forEach(o -> outcomes.put(o.trial().trialId(), o));
            } catch (ExecutionException e) {
              List<Exhausted> own = exhausted(monitor, job, maxAttempts);
              if (own.isEmpty()) {
                throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e);
              }
              alone.addAll(own);
            }
          }
          poisoned = alone;
        }
        for (Exhausted p : poisoned) {
          TrialOutcome committed = commits.commit(poisonOutcome(p, runId, maxAttempts));
          outcomes.put(p.trial().trialId(), committed);
          (committed.result().status() == TrialStatus.FINISHED
                  ? accumulators.trialsFinished()
                  : accumulators.trialsFailed())
              .add(1);
          monitor.note(
              String.format(
                  "trial %s (w=%d d=%d D=%d) lost its executor on all %d attempts: committed as"
                      + " %s, the sweep goes on",
                  p.trial().trialId(),
                  p.trial().width(),
                  p.trial().depth(),
                  p.trial().tokens(),
                  maxAttempts,
                  committed.result().status().label()));
        }
        // Trials of the failed jobs that committed before Spark cancelled them count as done: one
        // listing, and opens of those pending trials' commits only.
        commits
            .read(
                pending.stream()
                    .map(Trial::trialId)
                    .filter(id -> !outcomes.containsKey(id))
                    .toList())
            .forEach(outcomes::putIfAbsent);
        pending = pending.stream().filter(t -> !outcomes.containsKey(t.trialId())).toList();
        if (!pending.isEmpty()) {
          monitor.note(
              String.format(
                  "resubmitting %d trial(s) not yet committed (round %d)",
                  pending.size(), round + 2));
        }
      }
      // Back to plan order (the shared-GPU job's outcomes come after the whole-GPU job's).
      Map<String, Integer> planIndex = subPlan.positions();
      List<TrialOutcome> ordered = new ArrayList<>(outcomes.values());
      ordered.sort(Comparator.comparingInt(o -> planIndex.get(o.trial().trialId())));
      return Trained.independent(runId, ordered);
    } finally {
      monitor.finish();
      spark.sparkContext().removeSparkListener(monitor);
      jsc.clearJobGroup();
    }
  }

  /**
   * The trials of a failed job that Spark gave up on after their executor was lost, once the
   * listener bus delivered the job's end.
   */
  private static List<Exhausted> exhausted(ProgressMonitor monitor, Round job, int maxAttempts)
      throws InterruptedException {
    List<Exhausted> out = new ArrayList<>();
    for (int jobId : job.future().jobIds()) {
      monitor.awaitJobEnd(jobId, 30_000);
      monitor.exhausted(jobId, maxAttempts).stream()
          .filter(Exhausted::executorLost)
          .forEach(out::add);
    }
    return out;
  }

  /** One submitted job of a round. */
  private record Round(JavaFutureAction<List<TrialOutcome>> future) {}

  /** Submits {@code trials} as the sweep's jobs (one per part), one partition per trial. */
  private static List<Round> submit(
      JavaSparkContext jsc,
      String sweep,
      List<Trial> trials,
      TrialTask task,
      ProgressMonitor monitor) {
    SparkConf conf = jsc.getConf();
    Map<String, List<Trial>> parts = split(conf, trials);
    parts.forEach(monitor::expect);
    List<Round> jobs = new ArrayList<>();
    for (Map.Entry<String, List<Trial>> part : parts.entrySet()) {
      JavaRDD<Trial> rdd = jsc.parallelize(part.getValue(), part.getValue().size());
      if (part.getKey().equals("shared")) {
        rdd = rdd.withResources(sharedProfile(conf));
      }
      jsc.setLocalProperty(ProgressMonitor.PART_PROPERTY, part.getKey());
      // The stage's name in the UI and the History Server: the sweep and its trials.
      rdd.setName(trialsName(sweep, part.getValue()));
      jsc.setCallSite(
          String.format(
              "sweep %s: train %d trial(s) (%s)", sweep, part.getValue().size(), part.getKey()));
      jobs.add(new Round(rdd.mapPartitions(task).collectAsync()));
      jsc.clearCallSite();
    }
    jsc.setLocalProperty(ProgressMonitor.PART_PROPERTY, null);
    return jobs;
  }

  /**
   * The outcome of a trial whose every attempt killed its executor: {@code failed}, with the
   * attempts' reasons, on the executor of its last attempt.
   */
  static TrialOutcome poisonOutcome(Exhausted p, String runId, int maxAttempts) {
    StringBuilder error =
        new StringBuilder(
            String.format(
                "all %d attempts of this trial failed, losing their executor (OOM, SIGKILL or a"
                    + " native crash of the trial's JVM); the trial is recorded as failed so the"
                    + " sweep goes on:",
                maxAttempts));
    double seconds = 0;
    for (ProgressMonitor.LostAttempt a : p.attempts()) {
      error.append(
          String.format(
              "%n  attempt %d on executor %s (%s) after %.1fs: %s",
              a.attempt(), a.executorId(), a.host(), a.seconds(), a.reason()));
      seconds += a.seconds();
    }
    ProgressMonitor.LostAttempt last = p.attempts().get(p.attempts().size() - 1);
    TrialResult result =
        TrialResult.builder(p.trial().trialId(), TrialStatus.FAILED)
            .error(error.toString())
            .wallSeconds(seconds)
            .device("unknown")
            .build();
    return new TrialOutcome(
        p.trial(),
        result,
        runId,
        last.executorId(),
        last.host(),
        last.attempt(),
        TrialProvenance.current());
  }

  /** An RDD name listing the trials (the first few ids), as the Spark UI shows it. */
  static String trialsName(String sweep, List<Trial> trials) {
    int shown = Math.min(8, trials.size());
    String ids = String.join(", ", trials.subList(0, shown).stream().map(Trial::trialId).toList());
    return "sweep "
        + sweep
        + " trials "
        + ids
        + (trials.size() > shown ? " and " + (trials.size() - shown) + " more" : "");
  }

  /**
   * The sweep's jobs: {@code all} trials, or {@code whole} (a GPU each) and {@code shared} (a
   * fraction of a GPU) when the application has GPUs and sharing is on; each list keeps plan order.
   */
  static Map<String, List<Trial>> split(SparkConf conf, List<Trial> trials) {
    double below = conf.getDouble(SHARE_BELOW_FLOPS, 0);
    boolean gpus =
        conf.contains("spark.executor.resource.gpu.amount")
            && !isLocalMode(conf.get("spark.master", "local"));
    Map<String, List<Trial>> parts = new LinkedHashMap<>();
    if (!gpus || below <= 0) {
      parts.put("all", trials);
      return parts;
    }
    List<Trial> whole = trials.stream().filter(t -> t.flops() >= below).toList();
    List<Trial> shared = trials.stream().filter(t -> t.flops() < below).toList();
    if (!whole.isEmpty()) {
      parts.put("whole", whole);
    }
    if (!shared.isEmpty()) {
      parts.put("shared", shared);
    }
    return parts;
  }

  /**
   * Spark's local mode (local, local[N], local[N,F]), which cannot schedule GPUs; local-cluster
   * can.
   */
  static boolean isLocalMode(String master) {
    return master.equals("local") || master.startsWith("local[");
  }

  /**
   * A task-only resource profile: a fraction of a GPU and the same fraction of the app's task CPUs
   * (at least 1), so trials sharing a GPU also share the cores one whole-GPU trial would use;
   * executors are reused.
   */
  static ResourceProfile sharedProfile(SparkConf conf) {
    double amount = conf.getDouble(SHARE_TASK_AMOUNT, 0.5);
    if (!(amount > 0 && amount < 1)) {
      throw new IllegalArgumentException(SHARE_TASK_AMOUNT + " must be in (0, 1), found " + amount);
    }
    TaskResourceRequests task =
        new TaskResourceRequests()
            .cpus(Math.max(1, (int) Math.floor(conf.getInt("spark.task.cpus", 1) * amount)))
            .resource("gpu", amount);
    return new ResourceProfileBuilder().require(task).build();
  }

  /**
   * The id of one {@code sweep run}: the Spark application id (as the Spark UI and history server
   * show it) plus the UTC start time, so two runs inside one application are told apart too.
   */
  public static String runId(SparkSession spark) {
    return spark.sparkContext().applicationId()
        + "@"
        + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
  }

  /**
   * Concurrent trial slots: the application's default parallelism over the cores each task takes.
   */
  public static int slots(SparkSession spark) {
    int taskCpus = spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
    return Math.max(1, spark.sparkContext().defaultParallelism() / taskCpus);
  }

  private static final Pattern LOCAL_WITH_RETRIES =
      Pattern.compile("local\\[[^,\\]]+,\\s*(\\d+)\\]");

  /**
   * Attempts Spark makes per task: {@code spark.task.maxFailures} on a cluster (default 4); local
   * mode ignores that setting and uses the F of {@code local[N,F]} (default 1).
   */
  static int maxAttempts(SparkConf conf) {
    String master = conf.get("spark.master", "local[*]");
    if (master.startsWith("local")) {
      Matcher m = LOCAL_WITH_RETRIES.matcher(master);
      return m.matches() ? Integer.parseInt(m.group(1)) : 1;
    }
    return conf.getInt("spark.task.maxFailures", 4);
  }
}
