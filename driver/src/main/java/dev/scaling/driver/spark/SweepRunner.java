package dev.scaling.driver.spark;

import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.plan.Plan;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a plan's trials on Spark, one trial per partition in plan order (most expensive first), under a
 * job group named after the sweep so the Spark UI shows which sweep and trials are running.
 */
public final class SweepRunner {
  private SweepRunner() {}

  /** What running the trials produced, in plan order. */
  public record Trained(String runId, List<TrialOutcome> outcomes, int attemptsRetried, double wallSeconds) {
    public Trained {
      outcomes = List.copyOf(outcomes);
    }

    /** Outcomes with the given status. */
    public long count(TrialStatus status) {
      return outcomes.stream().filter(o -> o.result().status() == status).count();
    }
  }

  /**
   * Trains every trial of {@code trials} (a subset of {@code plan}, in plan order); each task commits its
   * outcome under {@code outDir} and the outcomes are also collected here.
   */
  public static Trained train(
      SparkSession spark,
      Plan plan,
      List<Trial> trials,
      String outDir,
      double checkpointSeconds,
      PrintStream console) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    String runId = runId(spark);
    long start = System.nanoTime();
    if (trials.isEmpty()) {
      return new Trained(runId, List.of(), 0, 0);
    }
    Plan subPlan = new Plan(plan.spec(), trials);
    String group = "sweep-" + plan.spec().name();
    jsc.setJobGroup(
        group,
        String.format("sweep %s: %d trials, %.3g FLOPs", plan.spec().name(), trials.size(), subPlan.totalFlops()),
        true);
    SweepAccumulators accumulators = SweepAccumulators.register(spark.sparkContext(), plan.spec().name());
    ProgressMonitor monitor = new ProgressMonitor(subPlan, group, console);
    spark.sparkContext().addSparkListener(monitor);
    try {
      JavaRDD<Trial> rdd = jsc.parallelize(trials, trials.size());
      List<TrialOutcome> outcomes =
          new ArrayList<>(rdd.mapPartitions(new TrialTask(runId, outDir, maxAttempts(jsc.getConf()), accumulators, checkpointSeconds)).collect());
      outcomes.sort(Comparator.comparingInt(o -> trials.indexOf(o.trial())));
      return new Trained(runId, outcomes, monitor.attemptsFailed(), (System.nanoTime() - start) / 1e9);
    } finally {
      spark.sparkContext().removeSparkListener(monitor);
      jsc.clearJobGroup();
    }
  }

  /**
   * The id of one {@code sweep run}: the Spark application id (as the Spark UI and history server show
   * it) plus the UTC start time, so two runs inside one application are told apart too.
   */
  public static String runId(SparkSession spark) {
    return spark.sparkContext().applicationId() + "@"
        + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now());
  }

  /** Concurrent trial slots: the application's default parallelism over the cores each task takes. */
  public static int slots(SparkSession spark) {
    int taskCpus = spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
    return Math.max(1, spark.sparkContext().defaultParallelism() / taskCpus);
  }

  private static final Pattern LOCAL_WITH_RETRIES = Pattern.compile("local\\[[^,\\]]+,\\s*(\\d+)\\]");

  /**
   * Attempts Spark makes per task: {@code spark.task.maxFailures} on a cluster (default 4); local mode
   * ignores that setting and uses the F of {@code local[N,F]} (default 1).
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
