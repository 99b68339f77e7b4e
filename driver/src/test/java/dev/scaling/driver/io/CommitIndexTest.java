package dev.scaling.driver.io;

import static dev.scaling.driver.io.CommitLogTest.committed;
import static dev.scaling.driver.io.CommitLogTest.outcome;
import static dev.scaling.driver.io.CommitLogTest.trials;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitIndexTest {
  @Test
  void refresh_listsOnceAndReadsOnlyTheCommitsItHasNotSeen(@TempDir Path dir) throws Exception {
    List<Trial> trials = trials(15);
    CommitLog log = committed(dir, trials.subList(0, 10));
    CommitIndex index = log.index();
    index.load();
    for (int i = 10; i < 13; i++) {
      log.commit(outcome(trials.get(i), i));
    }

    CountingLocalFileSystem.Counts before = CountingLocalFileSystem.counts();
    List<TrialOutcome> read = index.refresh();
    CountingLocalFileSystem.Counts made = CountingLocalFileSystem.counts().since(before);

    assertEquals(
        List.of(10, 11, 12).stream()
            .map(i -> outcome(trials.get(i), i))
            .sorted(java.util.Comparator.comparing(o -> o.trial().trialId()))
            .toList(),
        read);
    assertEquals(1, made.listings());
    assertEquals(3, made.opens());
    assertEquals(13, index.outcomes().size());

    log.remove(trials.get(0).trialId());
    before = CountingLocalFileSystem.counts();
    assertTrue(index.refresh().isEmpty());
    assertEquals(0, CountingLocalFileSystem.counts().since(before).opens());
    assertEquals(12, index.outcomes().size(), "a removed commit is forgotten");
  }

  @Test
  void read_byIdOpensOnceAndTheNextListingCompletesItWithoutReopening(@TempDir Path dir)
      throws Exception {
    List<Trial> trials = trials(6);
    CommitLog log = committed(dir, trials.subList(0, 5));
    CommitIndex index = log.index();
    index.load();
    log.commit(outcome(trials.get(5), 5));

    CountingLocalFileSystem.Counts before = CountingLocalFileSystem.counts();
    assertEquals(outcome(trials.get(5), 5), index.read(trials.get(5).trialId()));
    assertEquals(outcome(trials.get(5), 5), index.read(trials.get(5).trialId()), "from memory");
    assertNull(index.read(trials.get(0).trialId() + "0"));
    assertEquals(2, CountingLocalFileSystem.counts().since(before).opens());
    assertEquals(0, CountingLocalFileSystem.counts().since(before).listings());

    before = CountingLocalFileSystem.counts();
    assertTrue(index.refresh().isEmpty());
    assertEquals(0, CountingLocalFileSystem.counts().since(before).opens());
    index.compact(true);

    before = CountingLocalFileSystem.counts();
    assertEquals(6, log.load().outcomes().size());
    assertEquals(1, CountingLocalFileSystem.counts().since(before).opens(), "one manifest");
  }

  @Test
  void compact_waitsForTheThresholdUntilTheEnd(@TempDir Path dir) throws Exception {
    CommitLog log = committed(dir, trials(10));
    CommitIndex index = log.index();
    index.load();

    assertNull(
        index.compact(false), "10 uncovered commits are fewer than " + CommitIndex.MANIFEST_EVERY);
    assertEquals("manifest-000001.json", index.compact(true));
    assertNull(index.compact(true), "nothing left uncovered");
  }

  @Test
  void compact_mergesMoreThanSixteenManifestsIntoOne(@TempDir Path dir) throws Exception {
    List<Trial> trials = trials(20);
    CommitLog log = committed(dir, List.of());
    CommitIndex index = log.index();
    index.load();
    for (int i = 0; i < 20; i++) {
      log.commit(outcome(trials.get(i), i));
      index.refresh();
      index.compact(true);
    }
    // 16 manifests of one commit each; the 17th merges them all (1), then 3 more of one each.
    List<String> files;
    try (Stream<Path> s = Files.list(dir.resolve("manifests"))) {
      files =
          s.map(p -> p.getFileName().toString())
              .filter(CommitIndex::isManifestName)
              .sorted()
              .toList();
    }
    assertEquals(
        List.of(
            "manifest-000017.json",
            "manifest-000018.json",
            "manifest-000019.json",
            "manifest-000020.json"),
        files);
    assertEquals(files, index.manifests());

    CountingLocalFileSystem.Counts before = CountingLocalFileSystem.counts();
    CommitLog.Read read = log.load();
    assertEquals(4, CountingLocalFileSystem.counts().since(before).opens());
    assertEquals(20, read.outcomes().size());
  }

  @Test
  void load_readsManyCommitsOnSeveralThreadsAndStillQuarantinesTheUnreadable(@TempDir Path dir)
      throws Exception {
    int n = 3 * CommitIndex.READERS;
    List<Trial> trials = trials(n);
    CommitLog log = committed(dir, trials);
    Path commits = dir.resolve("commits");
    Files.write(commits.resolve("ffff0000.json"), new byte[0]);
    Files.writeString(commits.resolve("eeee0000.json"), "{\"trial\": [1, 2");

    CommitLog.Read read = log.index().load();

    assertEquals(n, read.outcomes().size());
    for (int i = 0; i < n; i++) {
      assertEquals(outcome(trials.get(i), i), read.outcomes().get(trials.get(i).trialId()));
    }
    assertEquals(
        List.of("eeee0000.json", "ffff0000.json"),
        read.quarantined().stream().map(CommitLog.Quarantined::commit).toList());
    assertTrue(Files.exists(dir.resolve("quarantine").resolve("ffff0000.json")));
  }
}
