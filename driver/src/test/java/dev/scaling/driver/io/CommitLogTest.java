package dev.scaling.driver.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.Provenance;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.plan.Planner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commit-once on the local file system: racing writers of one trial, one commit, one outcome for all. */
class CommitLogTest {
  static final Trial TRIAL = Planner.plan(SpecParser.parse("""
      name: c
      seed: 1
      data: {source: synthetic}
      model: {context: 16, head_size: 16}
      grid: {width: [16], depth: [1], tokens: [4096]}
      training: {batch_size: 8, learning_rate: 3.0e-3}
      """)).trials().get(0);

  /** An outcome told apart from the other writers' by its executor and its loss. */
  static TrialOutcome outcome(int writer) {
    TrialResult r = new TrialResult(TRIAL.trialId(), TrialStatus.FINISHED, 2.0 + writer, 2.5 + writer, null, null,
        32, 4096, 1.0, 4096, "cpu()", List.of(), 0);
    return new TrialOutcome(TRIAL, r, "run", "executor-" + writer, "host", writer,
        new Provenance("test", "0.35.1", "2.7.1", "17", "amd64", 1));
  }

  @Test
  void commit_racingWritersLeaveOneCommitThatEveryWriterSees(@TempDir Path dir) throws Exception {
    int writers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      for (int round = 0; round < 50; round++) {
        String out = dir.resolve("out" + round).toUri().toString();
        CyclicBarrier start = new CyclicBarrier(writers);
        List<Future<TrialOutcome>> seen = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          int writer = w;
          Callable<TrialOutcome> commit = () -> {
            CommitLog log = new CommitLog(out, new Configuration());
            start.await();
            return log.commit(outcome(writer));
          };
          seen.add(pool.submit(commit));
        }
        for (Future<TrialOutcome> f : seen) {
          f.get();
        }
        Map<String, TrialOutcome> onDisk = new CommitLog(out, new Configuration()).readAll();
        assertEquals(1, onDisk.size());
        TrialOutcome winner = onDisk.get(TRIAL.trialId());
        for (Future<TrialOutcome> f : seen) {
          assertEquals(winner, f.get(), "round " + round + ": every writer sees the outcome on disk");
        }
        try (Stream<Path> files = Files.list(dir.resolve("out" + round).resolve("commits"))) {
          List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).toList();
          assertEquals(List.of(TRIAL.trialId() + ".json"), names, "no temporary file is left behind");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void commit_laterAttemptKeepsTheFirstOutcome(@TempDir Path dir) throws Exception {
    CommitLog log = new CommitLog(dir.toUri().toString(), new Configuration());
    assertEquals(outcome(0), log.commit(outcome(0)));
    assertEquals(outcome(0), log.commit(outcome(1)), "the first commit wins");
    assertEquals(2.5, log.readAll().get(TRIAL.trialId()).result().finalEvalLoss(), 0);
    assertTrue(Files.exists(dir.resolve("commits").resolve(TRIAL.trialId() + ".json")));
  }
}
