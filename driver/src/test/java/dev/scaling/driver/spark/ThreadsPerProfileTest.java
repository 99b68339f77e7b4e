package dev.scaling.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.plan.Planner;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two stage-level resource profiles in one application (the default one with {@code
 * spark.task.cpus=1} and a task profile of 2 CPUs, as trials sharing a GPU get one), their jobs
 * running at the same time in one executor: each trial records the intra-op threads of its own
 * profile. Local mode accepts task resource profiles only under {@code spark.testing}.
 */
class ThreadsPerProfileTest {
  static SparkSession spark;
  static String testingBefore;

  @BeforeAll
  static void startSpark() {
    testingBefore = System.setProperty("spark.testing", "true");
    spark =
        SparkSession.builder()
            .master("local[3]")
            .appName("ThreadsPerProfileTest")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
    if (testingBefore == null) {
      System.clearProperty("spark.testing");
    } else {
      System.setProperty("spark.testing", testingBefore);
    }
  }

  static final List<Trial> TRIALS =
      Planner.plan(
              SpecParser.parse(
                  """
      name: threads
      seed: 3
      data:
        source: synthetic
        eval_tokens: 512
        synthetic: {vocab: 16, order: 1, branching: 4, zipf: 1.0}
      model: {context: 16, head_size: 16}
      grid: {width: [16, 32], depth: [1], tokens: [4096]}
      training: {batch_size: 8, learning_rate: 3.0e-3, eval_interval: 16}
      """))
          .trials();

  @Test
  void trialsOfTwoResourceProfiles_eachRecordTheirOwnThreadCount(@TempDir Path dir)
      throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    TrialTask task =
        new TrialTask(
            "threads-test",
            dir.toUri().toString(),
            1,
            SweepAccumulators.register(spark.sparkContext(), "threads"),
            0);
    // Each job's task holds its CPUs until its trial ends, so both run at once on local[3]'s 3
    // cores.
    JavaFutureAction<List<TrialOutcome>> oneCpu =
        jsc.parallelize(List.of(TRIALS.get(0)), 1).mapPartitions(task).collectAsync();
    JavaFutureAction<List<TrialOutcome>> twoCpus =
        jsc.parallelize(List.of(TRIALS.get(1)), 1)
            .withResources(
                new ResourceProfileBuilder().require(new TaskResourceRequests().cpus(2)).build())
            .mapPartitions(task)
            .collectAsync();

    TrialOutcome one = oneCpu.get().get(0);
    TrialOutcome two = twoCpus.get().get(0);

    assertEquals(TrialStatus.FINISHED, one.result().status(), one.result().error());
    assertEquals(TrialStatus.FINISHED, two.result().status(), two.result().error());
    assertEquals(1, one.provenance().intraOpThreads(), "default profile: spark.task.cpus = 1");
    assertEquals(2, two.provenance().intraOpThreads(), "task profile of 2 CPUs");
  }
}
