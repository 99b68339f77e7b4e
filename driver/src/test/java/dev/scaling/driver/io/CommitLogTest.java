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
  public static TrialOutcome outcome(Trial trial, int writer) {
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

  /** {@code n} distinct trials: one grid point, {@code n} seeds. */
  public static List<Trial> trials(int n) {
    StringBuilder seeds = new StringBuilder();
    for (int i = 0; i < n; i++) {
      seeds.append(i == 0 ? "" : ", ").append(i);
    }
    return Planner.plan(
            SpecParser.parse(
                """
        name: c
        seed: 1
        data: {source: synthetic}
        model: {context: 16, head_size: 16}
        grid: {width: [16], depth: [1], tokens: [4096], seeds: [SEEDS]}
        training: {batch_size: 8, learning_rate: 3.0e-3}
        """
                    .replace("SEEDS", seeds)))
        .trials();
  }

  /**
   * A log of {@code n} committed trials under {@code dir}, read through the counting file system.
   */
  public static CommitLog committed(Path dir, List<Trial> trials) throws Exception {
    Configuration conf = new Configuration();
    CountingLocalFileSystem.install(conf);
    CommitLog log = new CommitLog(dir.toUri().toString(), conf);
    for (int i = 0; i < trials.size(); i++) {
      log.commit(outcome(trials.get(i), i));
    }
    return log;
  }

  @Test
  void load_listsTwiceAndOpensOnlyManifestsAndUncoveredCommits(@TempDir Path dir) throws Exception {
    List<Trial> trials = trials(300);
    CommitLog log = committed(dir, trials.subList(0, 290));

    CountingLocalFileSystem.Counts before = CountingLocalFileSystem.counts();
    CommitLog.Read first = log.load();
    CountingLocalFileSystem.Counts made = CountingLocalFileSystem.counts().since(before);
    assertEquals(290, first.outcomes().size());
    assertEquals(2, made.listings(), "the commit folder and the (absent) manifest folder");
    assertEquals(290, made.opens(), "without manifests every commit is opened once");

    CommitIndex index = log.index();
    index.load();
    assertEquals("manifest-000001.json", index.compact(true));
    for (int i = 290; i < 300; i++) {
      log.commit(outcome(trials.get(i), i));
    }

    before = CountingLocalFileSystem.counts();
    CommitLog.Read second = log.load();
    made = CountingLocalFileSystem.counts().since(before);
    assertEquals(2, made.listings());
    assertEquals(1 + 10, made.opens(), "the manifest and the 10 commits it does not cover");
    assertEquals(300, second.outcomes().size());
    for (int i = 0; i < 300; i++) {
      assertEquals(outcome(trials.get(i), i), second.outcomes().get(trials.get(i).trialId()));
    }
    assertTrue(second.quarantined().isEmpty());
  }

  @Test
  void load_doesNotResurrectARemovedCommitFromAManifest(@TempDir Path dir) throws Exception {
    List<Trial> trials = trials(20);
    CommitLog log = committed(dir, trials);
    CommitIndex index = log.index();
    index.load();
    index.compact(true);

    log.remove(trials.get(3).trialId());

    CountingLocalFileSystem.Counts before = CountingLocalFileSystem.counts();
    Map<String, TrialOutcome> read = log.readAll();
    assertEquals(1, CountingLocalFileSystem.counts().since(before).opens(), "the manifest only");
    assertEquals(19, read.size());
    assertFalse(read.containsKey(trials.get(3).trialId()));
  }

  @Test
  void load_rereadsACommitReplacedSinceTheManifest(@TempDir Path dir) throws Exception {
    List<Trial> trials = trials(20);
    CommitLog log = committed(dir, trials);
    CommitIndex index = log.index();
    index.load();
    index.compact(true);
    // --rerun-failed removed it and a later attempt committed another outcome.
    log.remove(trials.get(5).trialId());
    TrialOutcome later = outcome(trials.get(5), 1005);
    log.commit(later);
    Path file = dir.resolve("commits").resolve(trials.get(5).trialId() + ".json");
    Files.setLastModifiedTime(
        file,
        java.nio.file.attribute.FileTime.fromMillis(
            Files.getLastModifiedTime(file).toMillis() + 5_000));

    CountingLocalFileSystem.Counts before = CountingLocalFileSystem.counts();
    Map<String, TrialOutcome> read = log.readAll();
    assertEquals(2, CountingLocalFileSystem.counts().since(before).opens());
    assertEquals(later, read.get(trials.get(5).trialId()));
    assertEquals(2.0 + 1005, read.get(trials.get(5).trialId()).result().finalTrainLoss(), 0);
    assertEquals(20, read.size());
  }

  @Test
  void load_setsACorruptManifestAsideAndReadsItsCommitsOneByOne(@TempDir Path dir)
      throws Exception {
    List<Trial> trials = trials(12);
    CommitLog log = committed(dir, trials);
    CommitIndex index = log.index();
    index.load();
    String manifest = index.compact(true);
    Path file = dir.resolve("manifests").resolve(manifest);
    String text = Files.readString(file);
    Files.writeString(file, text.substring(0, text.length() / 2));

    CountingLocalFileSystem.Counts before = CountingLocalFileSystem.counts();
    CommitLog.Read read = log.load();
    assertEquals(1 + 12, CountingLocalFileSystem.counts().since(before).opens());
    assertEquals(12, read.outcomes().size());
    assertTrue(read.quarantined().isEmpty(), "no commit was set aside");
    assertFalse(Files.exists(file));
    Path aside = dir.resolve("quarantine").resolve(manifest);
    assertEquals(text.substring(0, text.length() / 2), Files.readString(aside), "kept as found");
    assertTrue(
        Files.readString(dir.resolve("quarantine").resolve(manifest + ".reason"))
            .contains("parsed"));
    assertTrue(log.quarantined().isEmpty(), "a manifest is not a commit: no trial trains again");
  }

  @Test
  void read_opensOneCommitWithoutListing(@TempDir Path dir) throws Exception {
    List<Trial> trials = trials(30);
    CommitLog log = committed(dir, trials);

    CountingLocalFileSystem.Counts before = CountingLocalFileSystem.counts();
    TrialOutcome one = log.read(trials.get(17).trialId());
    TrialOutcome none = log.read("0123456789abcdef");
    CountingLocalFileSystem.Counts made = CountingLocalFileSystem.counts().since(before);

    assertEquals(outcome(trials.get(17), 17), one);
    assertEquals(null, none);
    assertEquals(0, made.listings());
    assertEquals(2, made.opens());
  }

  @Test
  void readSome_listsOnceAndOpensOnlyTheWantedCommits(@TempDir Path dir) throws Exception {
    List<Trial> trials = trials(30);
    CommitLog log = committed(dir, trials.subList(0, 20));

    CountingLocalFileSystem.Counts before = CountingLocalFileSystem.counts();
    Map<String, TrialOutcome> read =
        log.read(
            List.of(trials.get(2).trialId(), trials.get(9).trialId(), trials.get(25).trialId()));
    CountingLocalFileSystem.Counts made = CountingLocalFileSystem.counts().since(before);

    assertEquals(
        Map.of(
            trials.get(2).trialId(), outcome(trials.get(2), 2),
            trials.get(9).trialId(), outcome(trials.get(9), 9)),
        read);
    assertEquals(1, made.listings());
    assertEquals(2, made.opens(), "trial 25 has no commit: not opened");
  }

  @Test
  void startOver_movesTheManifestsAsideWithTheCommits(@TempDir Path dir) throws Exception {
    List<Trial> trials = trials(5);
    CommitLog log = committed(dir, trials);
    CommitIndex index = log.index();
    index.load();
    String manifest = index.compact(true);

    CommitLog.Replaced r = log.startOver();

    assertEquals(5, r.commits());
    assertFalse(Files.exists(dir.resolve("manifests")));
    assertTrue(
        Files.exists(
            Path.of(java.net.URI.create(r.movedTo()))
                .resolveSibling("manifests")
                .resolve(manifest)));
    assertTrue(log.readAll().isEmpty());
  }
}
