package dev.scaling.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep layer run as a library on Spark {@code local[2]}, without the command line: a whole
 * sweep, its resume, and the refusal of another sweep's OUT.
 */
class SweepServiceTest {
  static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("SweepServiceTest")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  static final String SPEC =
      """
      name: service
      seed: 21
      data:
        source: synthetic
        eval_tokens: 1024
        synthetic: {vocab: 32, order: 2, branching: 4, zipf: 1.0}
      model: {context: 16, head_size: 8}
      grid: {width: [8, 16], depth: [1], tokens: [4096, 8192]}
      training: {batch_size: 8, learning_rate: 3.0e-3, eval_interval: 16}
      """;

  @Test
  void run_trainsEveryTrialThenResumesWithoutTrainingAgain(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, SPEC);
    String out = dir.resolve("out").toString();
    SweepRequest request = SweepRequest.builder(spec.toString(), out).bootstrap(20).build();
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    RunOutcome first =
        SweepService.run(request, new PrintStream(text, true, StandardCharsets.UTF_8));

    assertEquals(4, first.plan().trials().size());
    assertEquals(4, first.trainedThisRun());
    assertEquals(4, first.count(TrialStatus.FINISHED), text::toString);
    assertEquals(0, first.exitCode());
    assertTrue(Files.isDirectory(dir.resolve("out/trials")), "OUT/trials written");
    assertTrue(Files.isDirectory(dir.resolve("out/commits")), "OUT/commits written");
    assertTrue(text.toString(StandardCharsets.UTF_8).contains("[4/4 done"), text::toString);

    // The end of the run compacted the 4 commits into one manifest; the resume adds none.
    List<String> manifests = List.of("manifest-000001.json");
    assertEquals(manifests, manifests(dir.resolve("out")));
    RunOutcome again = SweepService.run(request, new PrintStream(new ByteArrayOutputStream()));
    assertEquals(0, again.trainedThisRun());
    assertEquals(losses(first.outcomes()), losses(again.outcomes()));
    assertEquals(manifests, manifests(dir.resolve("out")));

    Files.writeString(spec, SPEC.replace("seed: 21", "seed: 22"));
    SpecException refused =
        assertThrows(
            SpecException.class,
            () -> SweepService.run(request, new PrintStream(new ByteArrayOutputStream())));
    assertEquals("--out", refused.field());
    assertTrue(refused.getMessage().contains("seed: 21 -> 22"), refused.getMessage());
  }

  @Test
  void run_leavesCommitsOutsideThePlanOutOfTablesAndFits(@TempDir Path dir) throws Exception {
    // OUT holds a run of a larger grid, every trial committed; the new spec keeps a subset of it,
    // so nothing trains and the tables hold exactly the plan's trials.
    String larger = SPEC.replace("width: [8, 16]", "width: [8, 16, 24]");
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.writeString(out.resolve("spec.yaml"), larger);
    Plan before = Planner.plan(SpecParser.parse(larger));
    CommitLog log = new CommitLog(out.toUri().toString(), new Configuration());
    for (Trial t : before.trials()) {
      log.commit(ResumePolicyTest.outcome(t, TrialStatus.FINISHED));
    }
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, SPEC);
    ByteArrayOutputStream text = new ByteArrayOutputStream();

    RunOutcome run =
        SweepService.run(
            SweepRequest.builder(spec.toString(), out.toString())
                .resume(new ResumePolicy(false, true, false))
                .bootstrap(20)
                .build(),
            new PrintStream(text, true, StandardCharsets.UTF_8));

    assertEquals(6, before.trials().size());
    assertEquals(0, run.trainedThisRun());
    assertEquals(
        run.plan().trials().stream().map(Trial::trialId).toList(),
        run.outcomes().stream().map(o -> o.trial().trialId()).toList());
    assertEquals(4, spark.read().parquet(out.resolve("trials").toString()).count());
    assertTrue(
        text.toString(StandardCharsets.UTF_8)
            .contains("2 commit(s) in OUT are not in this plan (an earlier grid)"),
        text::toString);
    assertEquals(SPEC, Files.readString(out.resolve("spec.yaml")));
  }

  static List<String> manifests(Path out) throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = Files.list(out.resolve("manifests"))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("manifest-"))
          .sorted()
          .toList();
    }
  }

  static List<Double> losses(List<TrialOutcome> outcomes) {
    return outcomes.stream().map(o -> o.result().finalEvalLoss()).toList();
  }
}
