package dev.scaling.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.RunCommand;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import dev.scaling.driver.sweep.RunOutcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Branched wsd cooldowns on Spark {@code local[2]}: trunk segments and branches as a task graph, a
 * branch bitwise the standalone run of its grid point, and the branched tables.
 */
class GraphRunnerTest {
  static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("GraphRunnerTest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /** 256 tokens per step: 32, 64 and 128 steps; warmup 4 steps; forks at 26, 51 and 102. */
  static final String SPEC =
      """
      name: wsd
      seed: 5
      data:
        source: synthetic
        eval_tokens: 2048
        synthetic: {vocab: 32, order: 2, branching: 4, zipf: 1.0}
      model:
        context: 32
        head_size: 16
      grid:
        width: [32]
        depth: [1]
        tokens: [8192, 16384, 32768]
      training:
        batch_size: 8
        learning_rate: 3.0e-3
        schedule: wsd
        warmup_tokens: 1024
        cooldown_fraction: 0.2
        eval_interval: 10
      """;

  @Test
  void graph_branchesRunBesideTheTrunkAndTrainTheBranchedCompute(@TempDir Path dir)
      throws Exception {
    Plan plan = Planner.plan(SpecParser.parse(SPEC));
    String out = dir.resolve("out").toUri().toString();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Trained trained =
        new GraphRunner()
            .train(
                spark,
                plan,
                plan.trials(),
                new TrialExecutor.Settings(
                    out,
                    0,
                    new Configuration(),
                    new PrintStream(console, true, StandardCharsets.UTF_8)));

    assertEquals(3, trained.outcomes().size());
    trained
        .outcomes()
        .forEach(o -> assertEquals(TrialStatus.FINISHED, o.result().status(), o.toString()));
    List<TaskGraphRun.TaskRun> segments =
        trained.graph().tasks().stream().filter(t -> t.kind() == TaskGraphRun.Kind.TRUNK).toList();
    List<TaskGraphRun.TaskRun> branches =
        trained.graph().tasks().stream().filter(t -> t.kind() == TaskGraphRun.Kind.BRANCH).toList();
    assertEquals(List.of(26L, 51L, 102L), segments.stream().map(t -> t.toStep()).toList());
    assertEquals(3, branches.size());
    // The shortest branch ran while the trunk went on: it started before the last segment ended.
    TaskGraphRun.TaskRun first =
        branches.stream().filter(b -> b.fromStep() == 26).findFirst().orElseThrow();
    assertTrue(
        first.startSeconds() < segments.get(2).endSeconds(),
        "branch at step 26 started at "
            + first.startSeconds()
            + " s, the trunk ended at "
            + segments.get(2).endSeconds()
            + " s");
    // Trained steps: the trunk to 102, then cooldowns of 6, 13 and 26 steps, against 32+64+128.
    long branched = 102 + (32 - 26) + (64 - 51) + (128 - 102);
    assertEquals(
        (double) branched / (32 + 64 + 128),
        trained.graph().flopsSpent() / trained.graph().independentFlops(),
        1e-12);
    assertTrue(trained.graph().makespanSeconds() >= trained.graph().lowerBoundSeconds() - 1e-9);
    assertTrue(
        console.toString(StandardCharsets.UTF_8).contains("Compute spent:"), console::toString);
    // Fork and trunk checkpoints are gone once every branch committed.
    try (Stream<Path> left = Files.walk(dir.resolve("out/checkpoints"))) {
      assertEquals(
          List.of(), left.filter(Files::isRegularFile).toList(), "checkpoints left behind");
    }
  }

  @Test
  void run_aBranchIsBitwiseTheStandaloneRunOfItsPointAndTheTablesSaySo(@TempDir Path dir)
      throws Exception {
    Path spec = dir.resolve("wsd.yaml");
    Files.writeString(spec, SPEC);
    Path alone = dir.resolve("alone.yaml");
    Files.writeString(alone, SPEC.replace("[8192, 16384, 32768]", "[16384]"));
    RunOutcome sweep = RunCommand.run(spec.toString(), "--out", dir.resolve("out").toString());
    RunOutcome single = RunCommand.run(alone.toString(), "--out", dir.resolve("alone").toString());
    assertEquals(0, sweep.exitCode());
    TrialOutcome standalone = single.outcomes().get(0);
    TrialOutcome branch =
        sweep.outcomes().stream()
            .filter(o -> o.trial().trialId().equals(standalone.trial().trialId()))
            .findFirst()
            .orElseThrow();
    // In a grid of one D the trunk stops at that D's fork too: the same computation either way.
    assertEquals(standalone.result().finalEvalLoss(), branch.result().finalEvalLoss(), 0.0);
    assertEquals(standalone.result().finalTrainLoss(), branch.result().finalTrainLoss(), 0.0);
    assertEquals(standalone.result().curve(), branch.result().curve());

    Trial t = branch.trial();
    String trunk = t.trunkId();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      String trials = "read_parquet('" + dir.resolve("out/trials") + "/*.parquet')";
      String curves = "read_parquet('" + dir.resolve("out/curves") + "/*.parquet')";
      try (ResultSet rs =
          st.executeQuery(
              "SELECT tokens, schedule, trunk_id, fork_tokens, cooldown_tokens, flops, n_params"
                  + " FROM "
                  + trials
                  + " ORDER BY tokens")) {
        long[][] expected = {
          {8192, 26 * 256, 6 * 256}, {16384, 51 * 256, 13 * 256}, {32768, 102 * 256, 26 * 256}
        };
        for (long[] e : expected) {
          assertTrue(rs.next());
          assertEquals(e[0], rs.getLong("tokens"));
          assertEquals("wsd", rs.getString("schedule"));
          assertEquals(trunk, rs.getString("trunk_id"));
          assertEquals(e[1], rs.getLong("fork_tokens"));
          assertEquals(e[2], rs.getLong("cooldown_tokens"));
          assertEquals(6.0 * rs.getLong("n_params") * e[0], rs.getDouble("flops"), 1e-6);
        }
      }
      // The trunk's curve under its id: the constant peak (after the 4 warmup steps) up to the
      // last fork; each branch's curve only after its fork, ending at learning rate 0.
      try (ResultSet rs =
          st.executeQuery(
              "SELECT max(step) AS last, min(lr) AS lo, max(lr) AS hi, count(*) AS n FROM "
                  + curves
                  + " WHERE trial_id = '"
                  + trunk
                  + "'")) {
        assertTrue(rs.next());
        assertEquals(100, rs.getLong("last"), "eval points every 10 steps up to the fork at 102");
        assertEquals(10, rs.getLong("n"));
        assertEquals(3.0e-3, rs.getDouble("lo"), 1e-9);
        assertEquals(3.0e-3, rs.getDouble("hi"), 1e-9);
      }
      try (ResultSet rs =
          st.executeQuery(
              "SELECT min(step) AS first, max(step) AS last, min(lr) AS lo FROM "
                  + curves
                  + " WHERE trial_id = '"
                  + t.trialId()
                  + "'")) {
        assertTrue(rs.next());
        assertEquals(60, rs.getLong("first"), "first point after the fork at 51");
        assertEquals(64, rs.getLong("last"));
        assertEquals(0.0, rs.getDouble("lo"), 0.0);
      }
    }
    List<CurvePoint> curve = branch.result().curve();
    assertEquals(51, branch.result().resumedFromStep());
    assertEquals(64, curve.get(curve.size() - 1).step());

    RunOutcome again = RunCommand.run(spec.toString(), "--out", dir.resolve("out").toString());
    assertEquals(0, again.trainedThisRun(), "a rerun trains no branch and no trunk");
  }

  @Test
  void graph_aDivergedTrunkRecordsEveryUnforkedBranchDivergedWithItsStep(@TempDir Path dir)
      throws Exception {
    Plan plan =
        Planner.plan(
            SpecParser.parse(
                SPEC.replace("learning_rate: 3.0e-3", "learning_rate: 1.0e+6\n  grad_clip: 0")));
    Trained trained =
        new GraphRunner()
            .train(
                spark,
                plan,
                plan.trials(),
                new TrialExecutor.Settings(
                    dir.resolve("out").toUri().toString(),
                    0,
                    new Configuration(),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    assertEquals(3, trained.outcomes().size());
    for (TrialOutcome o : trained.outcomes()) {
      assertEquals(TrialStatus.DIVERGED, o.result().status(), o.toString());
      assertTrue(
          o.result().error().startsWith("trunk " + o.trial().trunkId() + " diverged at step "),
          o.result().error());
      assertTrue(o.result().stepsDone() < o.trial().forkStep(), "diverged before its fork");
    }
    assertEquals(
        1,
        trained.graph().tasks().stream().filter(t -> t.kind() == TaskGraphRun.Kind.TRUNK).count(),
        "no segment after the one that diverged");
  }
}
