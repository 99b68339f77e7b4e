package dev.scaling.driver.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.function.IntFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commit-once on the local file system and HDFS: racing writers of one trial, one commit, one
 * outcome for all.
 */
public class CommitLogTest {
  static final Trial TRIAL =
      Planner.plan(
              SpecParser.parse(
                  """
      name: c
      seed: 1
      data: {source: synthetic}
      model: {context: 16, head_size: 16}
      grid: {width: [16], depth: [1], tokens: [4096]}
      training: {batch_size: 8, learning_rate: 3.0e-3}
      """))
          .trials()
          .get(0);

  /** An outcome told apart from the other writers' by its executor and its loss. */
  public static TrialOutcome outcome(int writer) {
    return outcome(TRIAL, writer);
  }

  /** An outcome of {@code trial} told apart from the other writers' by executor and loss. */
  static TrialOutcome outcome(Trial trial, int writer) {
    TrialResult r =
        TrialResult.builder(trial.trialId(), TrialStatus.FINISHED)
            .finalTrainLoss(2.0 + writer)
            .finalEvalLoss(2.5 + writer)
            .stepsDone(32)
            .tokensTrained(4096)
            .wallSeconds(1.0)
            .tokensPerSecond(4096)
            .device("cpu()")
            .build();
    return new TrialOutcome(
        trial,
        r,
        "run",
        "executor-" + writer,
        "host",
        writer,
        new Provenance("test", "0.35.1", "2.7.1", "17", "amd64", 1));
  }

  @Test
  void commit_racingWritersLeaveOneCommitThatEveryWriterSees(@TempDir Path dir) throws Exception {
    Configuration conf = new Configuration();
    race(50, round -> dir.resolve("out" + round).toUri().toString(), conf);
  }

  @Test
  void commit_racingWritersOnHdfsLeaveOneCommitThatEveryWriterSees(@TempDir Path dir)
      throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("dfs").toString());
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    try {
      String root = cluster.getFileSystem().getUri().toString();
      race(10, round -> root + "/out" + round, cluster.getConfiguration(0));
    } finally {
      cluster.shutdown();
    }
  }

  /**
   * {@code rounds} times: four writers commit different outcomes of one trial at once into a fresh
   * OUT; exactly one commit file remains, every writer got its outcome back, and no temporary file
   * is left.
   */
  static void race(int rounds, IntFunction<String> outDir, Configuration conf) throws Exception {
    int writers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      for (int round = 0; round < rounds; round++) {
        String out = outDir.apply(round);
        CyclicBarrier start = new CyclicBarrier(writers);
        List<Future<TrialOutcome>> seen = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          int writer = w;
          Callable<TrialOutcome> commit =
              () -> {
                CommitLog log = new CommitLog(out, conf);
                start.await();
                return log.commit(outcome(writer));
              };
          seen.add(pool.submit(commit));
        }
        for (Future<TrialOutcome> f : seen) {
          f.get();
        }
        Map<String, TrialOutcome> onDisk = new CommitLog(out, conf).readAll();
        assertEquals(1, onDisk.size());
        TrialOutcome winner = onDisk.get(TRIAL.trialId());
        for (Future<TrialOutcome> f : seen) {
          assertEquals(
              winner, f.get(), "round " + round + ": every writer sees the outcome on the store");
        }
        org.apache.hadoop.fs.Path commits = new org.apache.hadoop.fs.Path(out, "commits");
        List<String> names = new ArrayList<>();
        for (FileStatus f : commits.getFileSystem(conf).listStatus(commits)) {
          if (!f.getPath().getName().endsWith(".crc")) {
            names.add(f.getPath().getName());
          }
        }
        assertEquals(List.of(TRIAL.trialId() + ".json"), names, "no temporary file is left behind");
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

  @Test
  void commit_writesAndReadsScheduleSettingsUnderTheScheduleName(@TempDir Path dir)
      throws Exception {
    Trial wsd =
        Planner.plan(
                SpecParser.parse(
                    """
        name: c
        seed: 1
        data: {source: synthetic}
        model: {context: 16, head_size: 16}
        grid: {width: [16], depth: [1], tokens: [4096]}
        training: {batch_size: 8, learning_rate: 3.0e-3, schedule: wsd, warmup_tokens: 1024,
                   cooldown_shape: linear}
        """))
            .trials()
            .get(0);
    TrialOutcome written = outcome(wsd, 0);
    CommitLog log = new CommitLog(dir.toUri().toString(), new Configuration());

    assertEquals(written, log.commit(written));

    String json = Files.readString(dir.resolve("commits").resolve(wsd.trialId() + ".json"));
    // The form commit files had before schedules owned their settings: older runs stay readable.
    assertTrue(
        json.contains(
            "\"schedule\":\"wsd\",\"wsd\":{\"warmupTokens\":1024,\"cooldownFraction\":0.2,"
                + "\"cooldownShape\":\"LINEAR\"}"),
        json);
    assertEquals(written, log.readAll().get(wsd.trialId()));
  }

  @Test
  void commit_writesDataSettingsInTheFlatFormOfEarlierCommitFiles(@TempDir Path dir)
      throws Exception {
    CommitLog log = new CommitLog(dir.toUri().toString(), new Configuration());
    String[][] cases = {
      {
        "{source: parquet, path: file:/tmp/c, text_column: body}",
        "\"source\":{\"name\":\"parquet\"},\"path\":\"file:/tmp/c\",\"tokenizer\":\"bytes\","
            + "\"validationFraction\":0.1,\"evalTokens\":8192,\"synthetic\":{\"vocab\":64,"
            + "\"order\":2,\"branching\":8,\"zipf\":1.1},\"textColumn\":\"body\",\"vocabSize\":null,"
            + "\"tokenizerFile\":null,\"epochsAllowed\":false,\"cache\":null}"
      },
      {
        "{source: powerlaw, powerlaw: {skills: 100}}",
        "\"textColumn\":\"text\",\"vocabSize\":null,\"tokenizerFile\":null,\"epochsAllowed\":false,"
            + "\"cache\":null,\"powerlaw\":{\"skills\":100,\"inputs\":8,\"outputs\":32,\"pairs\":3,"
            + "\"exponent\":0.5,\"noise\":0.0}}"
      },
      {"{source: synthetic, synthetic: {vocab: 32}}", "\"synthetic\":{\"vocab\":32,"},
      {
        "{source: text, path: file:/tmp/c, tokenizer: bpe, vocab_size: 512}",
        "\"textColumn\":\"text\",\"vocabSize\":512,\"tokenizerFile\":null,"
      }
    };
    for (String[] c : cases) {
      Trial trial =
          Planner.plan(
                  SpecParser.parse(
                      """
          name: c
          seed: 1
          data: DATA
          model: {context: 16, head_size: 16}
          grid: {width: [16], depth: [1], tokens: [4096]}
          training: {batch_size: 8, learning_rate: 3.0e-3}
          """
                          .replace("DATA", c[0])))
              .trials()
              .get(0);
      TrialOutcome written = outcome(trial, 0);
      assertEquals(written, log.commit(written));
      String json = Files.readString(dir.resolve("commits").resolve(trial.trialId() + ".json"));
      assertTrue(json.contains(c[1]), json);
      assertEquals(written, log.readAll().get(trial.trialId()), c[0]);
    }
  }

  @Test
  void readAll_quarantinesZeroLengthAndGarbageCommitsAndReturnsTheRest(@TempDir Path dir)
      throws Exception {
    CommitLog log = new CommitLog(dir.toUri().toString(), new Configuration());
    log.commit(outcome(0));
    Path commits = dir.resolve("commits");
    // What a power loss leaves (a name without content), and what no version can parse.
    Files.write(commits.resolve("aaaa0000.json"), new byte[0]);
    Files.writeString(commits.resolve("bbbb0000.json"), "{\"trial\": [1, 2");

    Map<String, TrialOutcome> read = log.readAll();

    assertEquals(Map.of(TRIAL.trialId(), outcome(0)), read);
    Path quarantine = dir.resolve("quarantine");
    for (String name : List.of("aaaa0000.json", "bbbb0000.json")) {
      assertFalse(Files.exists(commits.resolve(name)), name + " left OUT/commits");
      assertTrue(Files.exists(quarantine.resolve(name)), name + " is in OUT/quarantine");
    }
    assertEquals(0, Files.size(quarantine.resolve("aaaa0000.json")));
    assertTrue(
        Files.readString(quarantine.resolve("aaaa0000.json.reason")).contains("empty"),
        Files.readString(quarantine.resolve("aaaa0000.json.reason")));
    assertFalse(Files.readString(quarantine.resolve("bbbb0000.json.reason")).isBlank());
    assertEquals(
        "{\"trial\": [1, 2",
        Files.readString(quarantine.resolve("bbbb0000.json")),
        "kept as found");
    assertEquals(Map.of(TRIAL.trialId(), outcome(0)), log.readAll(), "a second read is clean");
  }

  @Test
  void commit_setsAnEmptyEarlierCommitAsideAndWritesItsOwn(@TempDir Path dir) throws Exception {
    CommitLog log = new CommitLog(dir.toUri().toString(), new Configuration());
    Path commits = Files.createDirectories(dir.resolve("commits"));
    Files.write(commits.resolve(TRIAL.trialId() + ".json"), new byte[0]);

    assertEquals(outcome(1), log.commit(outcome(1)));

    assertEquals(outcome(1), log.readAll().get(TRIAL.trialId()));
    assertEquals(
        List.of(TRIAL.trialId() + ".json"),
        log.quarantined().stream().map(CommitLog.Quarantined::commit).toList());
  }
}
