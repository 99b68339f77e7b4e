package dev.scaling.driver.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Provenance;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures a resume's read of {@code OUT/commits} at scale, with and without manifests: opt-in
 * ({@code -Dcommits.scale=10000}), it prints the times and the calls counted and asserts only the
 * counts.
 */
class CommitLogScaleTest {
  @Test
  @EnabledIfSystemProperty(named = "commits.scale", matches = "\\d+")
  void load_atScale(@TempDir Path dir) throws Exception {
    int n = Integer.getInteger("commits.scale");
    List<Trial> trials = CommitLogTest.trials(n);
    Configuration conf = new Configuration();
    CountingLocalFileSystem.install(conf);
    CommitLog log = new CommitLog(dir.toUri().toString(), conf);
    long t0 = System.nanoTime();
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      TrialOutcome o = realistic(trials.get(i), i);
      log.commit(o);
    }
    double writeS = (System.nanoTime() - t0) / 1e9;
    try (var files = java.nio.file.Files.list(dir.resolve("commits"))) {
      bytes = files.mapToLong(p -> p.toFile().length()).sum();
    }
    print("write %d commits (%.1f kB each): %.1f s", n, bytes / 1e3 / n, writeS);

    for (int run = 0; run < 3; run++) {
      measure("load without manifests", n, log);
    }
    CommitIndex index = log.index();
    index.load();
    long c0 = System.nanoTime();
    String manifest = index.compact(true);
    print(
        "compact into %s (%.1f MB): %.2f s",
        manifest,
        java.nio.file.Files.size(dir.resolve("manifests").resolve(manifest)) / 1e6,
        (System.nanoTime() - c0) / 1e9);
    for (int run = 0; run < 3; run++) {
      measure("load with one manifest", n, log);
    }
    // Where a manifest read's time goes: parsing, and the trial-id check of each Trial.
    byte[] manifestBytes =
        java.nio.file.Files.readAllBytes(dir.resolve("manifests").resolve(manifest));
    long p0 = System.nanoTime();
    CommitIndex.Manifest parsed =
        CommitLog.json().readValue(manifestBytes, CommitIndex.Manifest.class);
    double parseS = (System.nanoTime() - p0) / 1e9;
    long h0 = System.nanoTime();
    for (CommitIndex.ManifestEntry e : parsed.entries()) {
      Trial.idOf(e.outcome().trial().config());
    }
    print(
        "parse the manifest: %.2f s, of which the %d trial-id checks take about %.2f s",
        parseS, parsed.entries().size(), (System.nanoTime() - h0) / 1e9);
    // With an object store's 25 ms per open: the manifest moved aside, then back.
    Configuration slow = new Configuration();
    SlowOpenLocalFileSystem.install(slow, 25);
    CommitLog slowLog = new CommitLog(dir.toUri().toString(), slow);
    Path manifests = dir.resolve("manifests");
    Path aside = dir.resolve("manifests-aside");
    java.nio.file.Files.move(manifests, aside);
    long s0 = System.nanoTime();
    assertEquals(n, slowLog.load().outcomes().size());
    print(
        "load without manifests, 25 ms per open, %d reader threads: %.2f s",
        CommitIndex.READERS, (System.nanoTime() - s0) / 1e9);
    java.nio.file.Files.move(aside, manifests);
    s0 = System.nanoTime();
    assertEquals(n, slowLog.load().outcomes().size());
    print("load with one manifest, 25 ms per open: %.2f s", (System.nanoTime() - s0) / 1e9);
    // 499 commits more than the manifest covers (just under the next manifest's threshold).
    java.util.Set<String> written = new java.util.HashSet<>();
    trials.forEach(t -> written.add(t.trialId()));
    List<Trial> more =
        CommitLogTest.trials(n + 499).stream().filter(t -> !written.contains(t.trialId())).toList();
    assertEquals(499, more.size());
    for (int i = 0; i < more.size(); i++) {
      log.commit(realistic(more.get(i), n + i));
    }
    measure("load with one manifest + 499 uncovered", n + 499, log);
    CountingLocalFileSystem.Counts before = CountingLocalFileSystem.counts();
    long r0 = System.nanoTime();
    List<TrialOutcome> read = index.refresh();
    print(
        "incremental refresh of the index: %d read in %.2f s, %s",
        read.size(),
        (System.nanoTime() - r0) / 1e9,
        CountingLocalFileSystem.counts().since(before));
  }

  private static void measure(String what, int expected, CommitLog log) throws Exception {
    CountingLocalFileSystem.Counts before = CountingLocalFileSystem.counts();
    long t0 = System.nanoTime();
    int got = log.load().outcomes().size();
    double s = (System.nanoTime() - t0) / 1e9;
    CountingLocalFileSystem.Counts made = CountingLocalFileSystem.counts().since(before);
    print(
        "%s: %d commits in %.2f s, %d listings, %d opens, %d status lookups",
        what, got, s, made.listings(), made.opens(), made.statuses());
    assertEquals(expected, got);
    assertEquals(2, made.listings());
  }

  /** An outcome with a 20-point curve, as a short trial commits. */
  static TrialOutcome realistic(Trial trial, int i) {
    List<CurvePoint> curve = new ArrayList<>();
    for (int k = 1; k <= 20; k++) {
      double loss = 2.0 + 3.0 * Math.pow(k, -0.4) + 1e-3 * (i % 97);
      curve.add(new CurvePoint(k * 50L, k * 50L * 4096, 3e-3 * (1 - k / 40.0), loss, loss + 0.05));
    }
    TrialResult r =
        TrialResult.builder(trial.trialId(), TrialStatus.FINISHED)
            .finalTrainLoss(curve.get(19).trainLoss())
            .finalEvalLoss(curve.get(19).evalLoss())
            .stepsDone(1000)
            .tokensTrained(1000L * 4096)
            .wallSeconds(123.4)
            .tokensPerSecond(33_200)
            .device("gpu(0)")
            .curve(curve)
            .build();
    return new TrialOutcome(
        trial,
        r,
        "run-1",
        "executor-" + (i % 64),
        "host-" + (i % 8),
        0,
        new Provenance("test", "0.35.1", "2.7.1", "17", "amd64", 1));
  }

  private static void print(String format, Object... args) {
    System.out.println("[commits.scale] " + String.format(Locale.ROOT, format, args));
  }
}
