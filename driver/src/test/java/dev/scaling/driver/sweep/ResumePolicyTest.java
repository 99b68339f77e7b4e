package dev.scaling.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import dev.scaling.driver.spark.TrialProvenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resume rules on a real commit log in a temporary OUT, without Spark or the CLI. */
class ResumePolicyTest {
  static final String SPEC =
      """
      name: resume
      seed: 5
      data: {source: synthetic, eval_tokens: 512}
      model: {context: 16, head_size: 8}
      grid: {width: [8, 16], depth: [1], tokens: [8192, 16384]}
      training: {batch_size: 4, learning_rate: 1.0e-3, eval_interval: 50}
      """;

  static TrialOutcome outcome(Trial t, TrialStatus status) {
    TrialResult r =
        TrialResult.builder(t.trialId(), status)
            .finalTrainLoss(2.0)
            .finalEvalLoss(2.5)
            .error(status == TrialStatus.FAILED ? "boom" : null)
            .stepsDone(t.steps())
            .tokensTrained(t.tokens())
            .wallSeconds(1.0)
            .tokensPerSecond(1000)
            .device("cpu()")
            .build();
    return new TrialOutcome(t, r, "run", "driver", "localhost", 0, TrialProvenance.current());
  }

  /** A plan of four trials with the first committed finished and the second committed failed. */
  static Plan committedTwo(String out) throws IOException {
    Plan plan = Planner.plan(SpecParser.parse(SPEC));
    CommitLog log = new CommitLog(out, new Configuration());
    log.commit(outcome(plan.trials().get(0), TrialStatus.FINISHED));
    log.commit(outcome(plan.trials().get(1), TrialStatus.FAILED));
    return plan;
  }

  @Test
  void decide_skipsEveryCommitByDefault(@TempDir Path dir) throws IOException {
    String out = dir.toUri().toString();
    Plan plan = committedTwo(out);
    ResumePolicy.Decision d =
        ResumePolicy.RESUME.decide(plan, new CommitLog(out, new Configuration()));
    assertEquals(plan.trials().subList(2, 4), d.todo());
    assertEquals(2, d.skipped());
    assertEquals(0, d.rerun());
    assertEquals(2, d.committed().size());
  }

  @Test
  void decide_rerunFailedRemovesOnlyTheFailedCommit(@TempDir Path dir) throws IOException {
    String out = dir.toUri().toString();
    Plan plan = committedTwo(out);
    CommitLog log = new CommitLog(out, new Configuration());
    ResumePolicy.Decision d = new ResumePolicy(false, false, true).decide(plan, log);
    assertEquals(List.of(1, 2, 3), d.todo().stream().map(plan.trials()::indexOf).toList());
    assertEquals(1, d.skipped());
    assertEquals(1, d.rerun());
    assertEquals(List.of(plan.trials().get(0).trialId()), List.copyOf(log.readAll().keySet()));
  }

  @Test
  void decide_forceMovesTheCommitsAsideAndRemovesTheCheckpoints(@TempDir Path dir)
      throws IOException {
    String out = dir.toUri().toString();
    Plan plan = committedTwo(out);
    Path checkpoint = dir.resolve("checkpoints").resolve(plan.trials().get(2).trialId());
    Files.createDirectories(checkpoint);
    Files.writeString(checkpoint.resolve("state"), "old weights");
    CommitLog log = new CommitLog(out, new Configuration());

    ResumePolicy.Decision d = new ResumePolicy(true, false, false).decide(plan, log);

    assertEquals(plan.trials(), d.todo());
    assertEquals(2, d.forgotten());
    assertTrue(log.readAll().isEmpty());
    assertFalse(Files.exists(dir.resolve("checkpoints")), "no old weights to resume");
    List<Path> aside;
    try (var s = Files.list(dir)) {
      aside = s.filter(p -> p.getFileName().toString().startsWith(".replaced-")).toList();
    }
    assertEquals(1, aside.size(), aside.toString());
    try (var s = Files.list(aside.get(0).resolve("commits"))) {
      assertEquals(
          List.of(
                  plan.trials().get(0).trialId() + ".json",
                  plan.trials().get(1).trialId() + ".json")
              .stream()
              .sorted()
              .toList(),
          s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList(),
          "the old commits are kept, unread, beside the new run");
    }
  }

  @Test
  void decide_trainsAgainTheTrialsOfUnreadableCommits(@TempDir Path dir) throws IOException {
    String out = dir.toUri().toString();
    Plan plan = committedTwo(out);
    Path commits = dir.resolve("commits");
    Files.write(commits.resolve(plan.trials().get(2).trialId() + ".json"), new byte[0]);
    Files.writeString(commits.resolve(plan.trials().get(3).trialId() + ".json"), "garbage");

    ResumePolicy.Decision d =
        ResumePolicy.RESUME.decide(plan, new CommitLog(out, new Configuration()));

    assertEquals(plan.trials().subList(2, 4), d.todo());
    assertEquals(2, d.skipped());
    assertTrue(
        Files.exists(dir.resolve("quarantine").resolve(plan.trials().get(3).trialId() + ".json")));
  }

  @Test
  void checkSameSweep_refusesAnotherSweepAndAllowsAGridChangeOnlyWithExtend(@TempDir Path dir)
      throws IOException {
    Configuration conf = new Configuration();
    String out = dir.toUri().toString();
    OutComparison none = OutComparison.of(out, SpecParser.parse(SPEC), conf);
    assertFalse(none.previousExists());
    ResumePolicy.RESUME.checkSameSweep(out, none);

    Files.writeString(dir.resolve("spec.yaml"), SPEC);
    OutComparison same = OutComparison.of(out, SpecParser.parse(SPEC), conf);
    assertTrue(same.same());

    OutComparison grid =
        OutComparison.of(out, SpecParser.parse(SPEC.replace("[8, 16]", "[8, 16, 24]")), conf);
    assertTrue(grid.gridOnly(), grid.toString());
    assertTrue(grid.beyondGrid().isEmpty());
    SpecException refused =
        assertThrows(SpecException.class, () -> ResumePolicy.RESUME.checkSameSweep(out, grid));
    assertEquals("--out", refused.field());
    assertTrue(refused.getMessage().contains("--extend"), refused.getMessage());
    new ResumePolicy(false, true, false).checkSameSweep(out, grid);

    OutComparison other =
        OutComparison.of(out, SpecParser.parse(SPEC.replace("seed: 5", "seed: 6")), conf);
    assertEquals(List.of("seed: 5 -> 6"), other.beyondGrid());
    assertThrows(
        SpecException.class, () -> new ResumePolicy(false, true, false).checkSameSweep(out, other));
    new ResumePolicy(true, false, false).checkSameSweep(out, other);
  }
}
