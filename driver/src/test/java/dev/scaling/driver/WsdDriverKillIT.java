package dev.scaling.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver of a wsd sweep is SIGKILLed while its trunk trains and after its first branch has
 * committed; the rerun retrains no committed branch, resumes the trunk from its checkpoint instead
 * of step 0, and ends with every row once, each bitwise equal to an uninterrupted run's. Each sweep
 * is its own JVM ({@code SweepMain} on Spark {@code local[2]}).
 */
class WsdDriverKillIT {

  /**
   * One trunk: 64 steps of 256 tokens to the first fork (step 51), then 358 more to the second
   * (step 410, D = 131072), with a checkpoint every 40 steps' worth of time or so.
   */
  static final String SPEC =
      """
      name: wsd-killed
      seed: 9
      data:
        source: synthetic
        eval_tokens: 1024
        synthetic: {vocab: 32, order: 2, branching: 4, zipf: 1.0}
      model:
        context: 32
        head_size: 16
      grid:
        width: [32]
        depth: [2]
        tokens: [16384, 131072]
      training:
        batch_size: 8
        learning_rate: 3.0e-3
        schedule: wsd
        warmup_tokens: 2048
        eval_interval: 50
      """;

  @Test
  void driverKillMidTrunk_rerunResumesTheTrunkAndRetrainsNoCommittedBranch(@TempDir Path dir)
      throws Exception {
    Path logs = Files.createDirectories(Path.of("target", "it-logs", "WsdDriverKillIT"));
    Path spec = dir.resolve("wsd.yaml");
    Files.writeString(spec, SPEC);
    Path out = dir.resolve("out");
    Path commits = out.resolve("commits");
    Path checkpoints = out.resolve("checkpoints");

    Process first = sweep(spec, out, logs.resolve("first.log"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    // Kill once the short branch has committed and the trunk has checkpointed past its first fork.
    while (DriverKillIT.committed(commits) < 1 || trunkCheckpointStep(checkpoints, commits) <= 51) {
      assertTrue(
          first.isAlive(),
          () ->
              "the first run ended before it could be killed:\n"
                  + DriverKillIT.log(logs.resolve("first.log")));
      assertTrue(System.nanoTime() < deadline, "no commit and trunk checkpoint within 240 s");
      Thread.sleep(20);
    }
    long killedAt = trunkCheckpointStep(checkpoints, commits);
    first.destroyForcibly();
    assertTrue(first.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, DriverKillIT.committed(commits), "killed with only the short branch committed");
    assertTrue(killedAt > 51 && killedAt < 410, "trunk checkpoint at " + killedAt);

    Process second = sweep(spec, out, logs.resolve("second.log"));
    assertTrue(second.waitFor(240, TimeUnit.SECONDS), "second run finished");
    String secondLog = DriverKillIT.log(logs.resolve("second.log"));
    assertEquals(0, second.exitValue(), secondLog);
    assertTrue(
        secondLog.contains("Resuming: 1 of 2 trial(s) already committed in OUT are skipped"),
        secondLog);
    Matcher resumed =
        Pattern.compile("trunk \\S+ reached step 410 \\(resumed at (\\d+)\\)").matcher(secondLog);
    assertTrue(resumed.find(), secondLog);
    assertTrue(
        Long.parseLong(resumed.group(1)) >= killedAt,
        "the trunk resumed at step " + resumed.group(1) + ", its checkpoint was at " + killedAt);
    assertTrue(!secondLog.contains("reached step 51 "), "the first segment is not retrained");

    Path fresh = dir.resolve("fresh");
    Process uninterrupted = sweep(spec, fresh, logs.resolve("fresh.log"));
    assertTrue(uninterrupted.waitFor(240, TimeUnit.SECONDS));
    assertEquals(0, uninterrupted.exitValue(), () -> DriverKillIT.log(logs.resolve("fresh.log")));

    Map<String, DriverKillIT.Row> resumedTable = DriverKillIT.table(out);
    Map<String, DriverKillIT.Row> reference = DriverKillIT.table(fresh);
    assertEquals(2, resumedTable.size(), "every branch exactly once");
    assertEquals(reference.keySet(), resumedTable.keySet());
    assertEquals(
        2,
        resumedTable.values().stream().map(r -> r.runId()).distinct().count(),
        "one row from each run: " + resumedTable);
    for (String id : reference.keySet()) {
      assertEquals("finished", resumedTable.get(id).status(), id);
      assertEquals(
          reference.get(id).evalLoss(),
          resumedTable.get(id).evalLoss(),
          0.0,
          id + ": final eval loss after the kill vs uninterrupted (bit for bit)");
    }
    try (Stream<Path> left = Files.walk(checkpoints)) {
      assertEquals(List.of(), left.filter(Files::isRegularFile).toList(), "checkpoints cleared");
    }
    System.out.printf(
        "wsd driver kill: trunk checkpoint at step %d when killed, resumed at %s; 1 committed branch kept, 0 retrained%n",
        killedAt, resumed.group(1));
  }

  /**
   * The step of the newest trunk checkpoint (the folder whose checkpoints are not a trial's). The
   * running sweep rotates checkpoints while the folder is walked: a file that vanishes mid-walk
   * (NoSuchFileException) means the walk is retried.
   */
  static long trunkCheckpointStep(Path checkpoints, Path commits) throws Exception {
    for (int attempt = 0; ; attempt++) {
      try {
        return newestTrunkCheckpoint(checkpoints, commits);
      } catch (java.io.UncheckedIOException e) {
        if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt >= 50) {
          throw e;
        }
      } catch (java.nio.file.NoSuchFileException e) {
        if (attempt >= 50) {
          throw e;
        }
      }
    }
  }

  private static long newestTrunkCheckpoint(Path checkpoints, Path commits) throws Exception {
    if (!Files.isDirectory(checkpoints)) {
      return -1;
    }
    long best = -1;
    try (Stream<Path> files = Files.walk(checkpoints)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Matcher m = Pattern.compile("step-(\\d+)\\.ckpt").matcher(f.getFileName().toString());
        String owner = f.getParent().getFileName().toString();
        // A committed branch's checkpoints (its cooldown steps, past the fork) linger until its
        // task clears them: they are not the trunk's.
        boolean committedBranch = Files.exists(commits.resolve(owner + ".json"));
        if (m.matches() && !owner.startsWith("_") && !committedBranch) {
          best = Math.max(best, Long.parseLong(m.group(1)));
        }
      }
    }
    return best;
  }

  /** {@code sweep run} in its own JVM on Spark local[2], checkpointing every 0.2 s of wall time. */
  static Process sweep(Path spec, Path out, Path log) throws Exception {
    return DriverKillIT.sweep(
        spec, out, log, "local[2]", List.of("--checkpoint-every", "0.2", "--bootstrap", "20"));
  }
}
