package dev.scaling.driver.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.Trial;
import dev.scaling.driver.RunCommand;
import dev.scaling.driver.plan.Planner;
import dev.scaling.driver.sweep.RunOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Sweep tab during a real wsd sweep on {@code local[2]} (heartbeats every second): one trunk
 * cut into three segments at its forks. While it runs, {@code /sweep/json} and the page rendered by
 * headless Chromium show the trunk's step past its first and then its second segment's end (the
 * trunk never reads finished before its last fork), the FLOPs done include the trunk's steps, and
 * {@code progress.finished} equals the commits in OUT/commits; at the end the trunk is finished and
 * the counts match the commits.
 */
class SweepPageWsdBrowserIT {
  static SparkSession spark;
  static final ObjectMapper JSON = new ObjectMapper();

  /** 256 tokens per step: 256, 1024 and 2048 steps; the trunk's segments end at the forks. */
  static final String SPEC =
      """
      name: livewsd
      seed: 5
      data:
        source: synthetic
        eval_tokens: 1024
        synthetic: {vocab: 32, order: 2, branching: 4, zipf: 1.0}
      model:
        context: 32
        head_size: 16
      grid:
        width: [32]
        depth: [1]
        tokens: [65536, 262144, 524288]
      training:
        batch_size: 8
        learning_rate: 3.0e-3
        schedule: wsd
        warmup_tokens: 4096
        cooldown_fraction: 0.2
        eval_interval: 100
      """;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("SweepPageWsdBrowserIT")
            .config("spark.ui.enabled", "true")
            .config("spark.ui.port", "0")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.executor.heartbeatInterval", "1s")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /** One poll of the page's JSON with the commits counted just before and just after it. */
  record Sample(JsonNode sweep, JsonNode trunk, long commitsBefore, long commitsAfter) {
    long step() {
      return trunk.path("step").asLong();
    }

    String status() {
      return trunk.path("status").asText();
    }

    int finished() {
      return sweep.path("progress").path("finished").asInt();
    }
  }

  @Test
  void sweepPage_showsATrunkAdvancingAcrossItsSegments(@TempDir Path dir) throws Exception {
    Chromium chromium = Chromium.require();
    List<Trial> branches =
        Planner.plan(SpecParser.parse(SPEC)).trials().stream()
            .sorted(java.util.Comparator.comparingLong(Trial::forkStep))
            .toList();
    long firstFork = branches.get(0).forkStep();
    long secondFork = branches.get(1).forkStep();
    long lastFork = branches.get(2).forkStep();
    String trunkId = branches.get(0).trunkId();
    assertTrue(firstFork < secondFork && secondFork < lastFork, "three segments");

    Path spec = dir.resolve("livewsd.yaml");
    Files.writeString(spec, SPEC);
    Path out = dir.resolve("out");
    CompletableFuture<RunOutcome> run =
        CompletableFuture.supplyAsync(
            () ->
                RunCommand.run(
                    spec.toString(),
                    "--out",
                    out.toString(),
                    "--bootstrap",
                    "10",
                    "--checkpoint-every",
                    "0"));
    String ui = spark.sparkContext().uiWebUrl().get();

    // The trunk's second segment: its step past the first fork, still running, some work done.
    Sample second = await(ui, out, trunkId, run, s -> s.step() > firstFork);
    System.out.printf(
        "wsd live, 2nd segment: %s%n  progress %s%n", second.trunk(), progress(second));
    assertEquals(
        "running", second.status(), "the trunk after its first segment: " + second.trunk());
    assertEquals(lastFork, second.trunk().path("steps").asLong(), "steps of the trunk's length");
    assertTrue(second.trunk().path("tokens_per_second").asDouble() > 0, second.trunk().toString());
    assertTrue(
        second.trunk().path("updated_seconds_ago").asDouble() < 10, second.trunk().toString());
    JsonNode p = second.sweep().path("progress");
    assertEquals(1, p.path("trunks").asInt());
    assertEquals(1, p.path("trunks_running").asInt());
    assertEquals(0, p.path("trunks_finished").asInt());
    assertTrue(
        p.path("flops_done").asDouble() >= 6.0 * branches.get(0).nParams() * 256 * firstFork,
        "FLOPs done include the trunk's first segment: " + p);
    assertTrue(p.hasNonNull("eta_seconds"), "an ETA while the trunk trains: " + p);

    // The rendered page shows the same row past the first fork.
    String dom = chromium.dumpDom(ui + "/sweep/?refresh=0");
    Matcher row =
        Pattern.compile(
                "<tr id=\"trial-"
                    + trunkId
                    + "\" data-status=\"(\\w+)\" data-step=\"(\\d+)\" data-kind=\"trunk\"")
            .matcher(dom);
    assertTrue(row.find(), "no trunk row on the page:\n" + dom);
    assertTrue(
        Long.parseLong(row.group(2)) > firstFork && !row.group(1).equals("finished"),
        "the page's trunk row: " + row.group());
    assertTrue(dom.contains("<span id=\"sweep-trunks-running\">"), "trunk counts on the page");

    // The third segment: the trunk advanced again; the first branch has had time to commit.
    Sample third = await(ui, out, trunkId, run, s -> s.step() > secondFork);
    System.out.printf("wsd live, 3rd segment: %s%n  progress %s%n", third.trunk(), progress(third));
    assertTrue(third.step() > second.step(), "the trunk advanced across segments");

    RunOutcome outcome = run.get(600, TimeUnit.SECONDS);
    assertEquals(0, outcome.exitCode());
    JsonNode done = JSON.readTree(SweepPageBrowserIT.get(ui + "/sweep/json").body());
    JsonNode trunk = trunk(done, trunkId);
    assertEquals("finished", trunk.path("status").asText(), trunk.toString());
    assertEquals(lastFork, trunk.path("step").asLong());
    JsonNode end = done.path("progress");
    assertEquals(SweepPageBrowserIT.commits(out), end.path("finished").asInt());
    assertEquals(3, end.path("finished").asInt());
    assertEquals(1, end.path("trunks_finished").asInt());
    assertEquals(end.path("flops_total").asDouble(), end.path("flops_done").asDouble(), 1e-6);
  }

  /**
   * Polls until {@code until} holds for the trunk and, in the same poll, {@code progress.finished}
   * equals the commits in OUT (counted before and after the read, unchanged). Along the way the
   * finished count never runs ahead of the commits and the trunk never reads finished before its
   * last fork.
   */
  static Sample await(
      String ui,
      Path out,
      String trunkId,
      CompletableFuture<RunOutcome> run,
      java.util.function.Predicate<Sample> until)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    Sample last = null;
    while (System.nanoTime() < deadline && !run.isDone()) {
      long before = SweepPageBrowserIT.commits(out);
      var r = SweepPageBrowserIT.get(ui + "/sweep/json");
      long after = SweepPageBrowserIT.commits(out);
      if (r.statusCode() == 200) {
        JsonNode sweep = JSON.readTree(r.body());
        JsonNode trunk = trunk(sweep, trunkId);
        assertNotNull(trunk, "no trunk row in " + r.body());
        last = new Sample(sweep, trunk, before, after);
        assertTrue(
            last.finished() <= after,
            "finished " + last.finished() + " ahead of " + after + " commits: " + progress(last));
        assertTrue(
            !last.status().equals("finished") || last.step() >= trunk.path("steps").asLong(),
            "a trunk finished before its last fork: " + trunk);
        if (until.test(last) && before == after && last.finished() == after) {
          return last;
        }
      }
      Thread.sleep(300);
    }
    throw new AssertionError(
        "the trunk never got there while the sweep ran; last poll: "
            + (last == null ? "none" : last.trunk() + " " + progress(last)));
  }

  static JsonNode trunk(JsonNode sweep, String id) {
    for (JsonNode t : sweep.path("trials")) {
      if (t.path("id").asText().equals(id)) {
        return t;
      }
    }
    return null;
  }

  static String progress(Sample s) {
    return s.sweep().path("progress") + " commits " + s.commitsBefore() + "/" + s.commitsAfter();
  }
}
