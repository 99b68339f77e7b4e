package dev.scaling.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps on a real standalone cluster (Master + 2 Workers, separate JVMs on 127.0.0.1, started by
 * {@code deploy/local-cluster}), submitted through SparkSubmit in its own JVM with the shaded app
 * jar. Each Worker has 2 cores and one fake GPU (addresses 0 and 1), so one cluster serves every
 * test.
 */
class ClusterSweepIT {
  static LocalCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    assertTrue(
        Files.isRegularFile(LocalCluster.APP_JAR), "run after package: " + LocalCluster.APP_JAR);
    cluster = LocalCluster.start("it-cluster", 2, 2, "2g", "--gpus-per-worker", "1", "--fake-gpus");
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  static String spec(String name, String widths, String tokens, String seeds) {
    return """
        name: %s
        seed: 7
        data:
          source: synthetic
          eval_tokens: 512
          synthetic: {vocab: 32, order: 2, branching: 4, zipf: 1.0}
        model:
          context: 32
          head_size: 16
        grid:
          width: %s
          depth: [1]
          tokens: %s
          seeds: %s
        training:
          batch_size: 8
          learning_rate: 3.0e-3
          eval_interval: 32
        """
        .formatted(name, widths, tokens, seeds);
  }

  record Row(
      String trialId,
      String status,
      String device,
      String executor,
      int attempt,
      double wall,
      long tokensTrained) {}

  static List<Row> trialsTable(Path out) throws Exception {
    List<Row> rows = new ArrayList<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT trial_id, status, device, executor_id, attempt, wall_seconds, tokens_trained FROM read_parquet('"
                    + out.resolve("trials")
                    + "/*.parquet')")) {
      while (rs.next()) {
        rows.add(
            new Row(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getInt(5),
                rs.getDouble(6),
                rs.getLong(7)));
      }
    }
    return rows;
  }

  static final Pattern DONE =
      Pattern.compile("trial (\\w+) \\(.*\\) done in ([\\d.]+)s on executor");
  static final Pattern LOST = Pattern.compile("trial (\\w+) \\(.*\\) attempt \\d+ lost");

  @Test
  void executorKill_sweepCompletesWithEveryTrialOnce(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("kill.yaml");
    Files.writeString(spec, spec("kill", "[16, 32]", "[16384, 32768]", "[0, 1]"));
    Path out = dir.resolve("out");
    try (Submission run =
        Submission.start(
            cluster.masterUrl, spec, out, dir, Map.of("spark.task.maxFailures", "4"))) {
      // Wait until a trial is committed and both executors are alive and running trials, then
      // SIGKILL one.
      Path commits = out.resolve("commits");
      long deadline = System.nanoTime() + 240_000_000_000L;
      String appId = null;
      List<ProcessHandle> executors = List.of();
      while (System.nanoTime() < deadline && run.process.isAlive()) {
        String[] ids = run.uiAndAppId();
        appId = ids == null ? null : ids[1];
        long committed =
            Files.isDirectory(commits)
                ? Files.list(commits).filter(f -> f.toString().endsWith(".json")).count()
                : 0;
        executors = appId == null ? List.of() : LocalCluster.executors(appId);
        if (committed >= 1 && executors.size() == 2) {
          break;
        }
        Thread.sleep(100);
      }
      // The first commit is seen right after a task committed and before it returned its result;
      // wait
      // a moment so the kill mostly hits trials in the middle of training (both cases must work).
      Thread.sleep(700);
      executors = appId == null ? List.of() : LocalCluster.executors(appId);
      assertNotNull(appId, "driver never printed its app id:\n" + run.output());
      assertEquals(
          2, executors.size(), "executors of " + appId + " before the kill:\n" + run.output());
      ProcessHandle victim = executors.get(0);
      long killNanos = System.nanoTime();
      long killMillis = System.currentTimeMillis();
      assertTrue(victim.destroyForcibly(), "SIGKILL " + victim.pid());
      victim.onExit().get();
      System.out.printf("[it] SIGKILLed executor JVM pid %d of %s%n", victim.pid(), appId);

      assertEquals(0, run.await(300), run.output());

      // Every trial exactly once in the table, all finished, some retried after the kill.
      List<Row> rows = trialsTable(out);
      assertEquals(8, rows.size(), rows.toString());
      assertEquals(
          8, rows.stream().map(Row::trialId).distinct().count(), "duplicate trial rows: " + rows);
      assertTrue(rows.stream().allMatch(r -> r.status().equals("finished")), rows.toString());
      assertEquals(
          8,
          Files.list(out.resolve("commits")).filter(f -> f.toString().endsWith(".json")).count());
      Set<String> lost = new HashSet<>();
      long firstLost = Long.MAX_VALUE;
      Map<String, Long> doneAt = new HashMap<>();
      Map<String, Double> taskSeconds = new HashMap<>();
      for (Submission.Line l : run.lines()) {
        Matcher m = LOST.matcher(l.text());
        if (m.find() && l.nanos() >= killNanos) {
          lost.add(m.group(1));
          firstLost = Math.min(firstLost, l.nanos());
        }
        m = DONE.matcher(l.text());
        if (m.find()) {
          doneAt.put(m.group(1), l.nanos());
          taskSeconds.put(m.group(1), Double.parseDouble(m.group(2)));
        }
      }
      assertTrue(
          !lost.isEmpty(),
          "the killed executor was running a trial; the driver must report it lost:\n"
              + run.output());
      int committedBeforeKill = 0;
      for (String id : lost) {
        Row r = rows.stream().filter(x -> x.trialId().equals(id)).findFirst().orElseThrow();
        long committedAt =
            Files.getLastModifiedTime(out.resolve("commits/" + id + ".json")).toMillis();
        // Either a retry committed it, or the killed attempt had committed just before it died
        // (then the
        // retry returns that commit instead of a second outcome).
        if (r.attempt() == 0) {
          committedBeforeKill++;
          assertTrue(
              committedAt <= killMillis + 50,
              "trial "
                  + id
                  + " lost with the executor has attempt 0 but was committed after the kill:\n"
                  + run.output());
        }
      }
      EventLog events = EventLog.read(dir.resolve("events"));
      long failedAttempts = events.tasks.stream().filter(t -> !t.success()).count();
      assertTrue(failedAttempts >= lost.size(), "event log failed attempts " + failedAttempts);
      double detect = (firstLost - killNanos) / 1e9;
      double recovered =
          (lost.stream().mapToLong(doneAt::get).max().orElseThrow() - killNanos) / 1e9;
      // Replacement attempts' start: event log launch time of attempts > 0 (wall clock ms).
      long killWallMs = System.currentTimeMillis() - (System.nanoTime() - killNanos) / 1_000_000;
      double retryStart =
          events.tasks.stream()
                  .filter(t -> t.attempt() > 0)
                  .mapToLong(t -> t.launch() - killWallMs)
                  .min()
                  .orElse(-1)
              / 1000.0;
      double overhead =
          rows.stream()
              .filter(r -> !lost.contains(r.trialId()))
              .mapToDouble(r -> taskSeconds.get(r.trialId()) - r.wall())
              .average()
              .orElseThrow();
      System.out.printf(
          "[it] executor kill: %d trial(s) lost %s (%d had committed before the kill); driver noticed after %.2fs; first replacement attempt started %.2fs"
              + " and the last lost trial finished %.2fs after the kill; rows %d (lost 0, duplicated 0);"
              + " mean per-trial Spark overhead (task time - training time) %.2fs%n",
          lost.size(),
          lost,
          committedBeforeKill,
          detect,
          retryStart,
          recovered,
          rows.size(),
          overhead);
      assertTrue(recovered > 0 && recovered < 120, "recovery " + recovered);
    }
  }

  static final Pattern CHECKPOINT = Pattern.compile("step-(\\d{12})\\.ckpt");

  /** Highest checkpoint step written so far under {@code dir} (any trial), or -1. */
  static long checkpointStep(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return -1;
    }
    try (var files = Files.walk(dir)) {
      return files
          .map(p -> CHECKPOINT.matcher(p.getFileName().toString()))
          .filter(Matcher::matches)
          .mapToLong(m -> Long.parseLong(m.group(1)))
          .max()
          .orElse(-1);
    }
  }

  @Test
  void checkpoint_retriedAttemptResumesFromItsCheckpoint(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("long.yaml");
    // One trial of 1280 steps that checkpoints every second: long enough to be killed mid-training.
    Files.writeString(
        spec,
        spec("long", "[64]", "[327680]", "[0]").replace("eval_interval: 32", "eval_interval: 128"));
    Path out = dir.resolve("out");
    List<String> args =
        List.of("run", spec.toString(), "--out", out.toString(), "--checkpoint-every", "1");
    try (Submission run =
        Submission.start(
            cluster.masterUrl, spec, out, dir, Map.of("spark.task.maxFailures", "4"), args)) {
      long deadline = System.nanoTime() + 240_000_000_000L;
      long seen = -1;
      String appId = null;
      while (System.nanoTime() < deadline && run.process.isAlive() && seen < 100) {
        seen = checkpointStep(out.resolve("checkpoints"));
        String[] ids = run.uiAndAppId();
        appId = ids == null ? null : ids[1];
        Thread.sleep(100);
      }
      assertTrue(seen >= 100, "a checkpoint past step 100 was written:\n" + run.output());
      assertNotNull(appId);
      Thread.sleep(
          500); // let the attempt train past its checkpoint, so a restart from 0 would show
      List<ProcessHandle> executors = LocalCluster.executors(appId);
      assertEquals(2, executors.size(), run.output());
      for (ProcessHandle e : executors) { // the one running the trial is among them
        e.destroyForcibly();
        e.onExit().get();
      }
      assertEquals(0, run.await(300), run.output());

      List<Row> rows = trialsTable(out);
      assertEquals(1, rows.size(), rows.toString());
      long resumedFrom;
      long steps;
      try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
          Statement st = db.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT resumed_from_step, steps, attempt, status FROM read_parquet('"
                      + out.resolve("trials")
                      + "/*.parquet')")) {
        assertTrue(rs.next());
        resumedFrom = rs.getLong(1);
        steps = rs.getLong(2);
        assertTrue(
            rs.getInt(3) >= 1, "the trial was retried after the kill, attempt " + rs.getInt(3));
        assertEquals("finished", rs.getString(4));
      }
      assertTrue(
          resumedFrom >= seen && resumedFrom < steps,
          "the retried attempt resumed from its checkpoint (>= "
              + seen
              + "), found "
              + resumedFrom);
      try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
          Statement st = db.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT count(*), count(DISTINCT step), min(step), max(step) FROM read_parquet('"
                      + out.resolve("curves")
                      + "/*.parquet')")) {
        assertTrue(rs.next());
        assertEquals(
            steps / 128,
            rs.getLong(1),
            "one curve point per evaluation, none repeated by the retry");
        assertEquals(rs.getLong(1), rs.getLong(2));
        assertEquals(128, rs.getLong(3), "the curve starts at the first evaluation: no restart");
        assertEquals(steps, rs.getLong(4));
      }
      assertFalse(
          Files.exists(out.resolve("checkpoints").resolve(rows.get(0).trialId())),
          "checkpoints are removed once committed");
      System.out.printf(
          "[it] checkpoint resume: executors killed after a checkpoint at step >= %d was seen;"
              + " the retried attempt resumed from step %d of %d (a restart would have lost %d steps)%n",
          seen, resumedFrom, steps, resumedFrom);
    }
  }

  @Test
  void wsd_executorKillMidTrunkResumesTheTrunkFromItsCheckpointAndEveryRowOnce(@TempDir Path dir)
      throws Exception {
    Path spec = dir.resolve("wsd.yaml");
    // One trunk: a first fork at step 51 (D = 16384), then on to step 1024 (D = 327680), saving
    // a checkpoint every second: long enough to be killed mid-trunk.
    Files.writeString(
        spec,
        spec("wsdkill", "[64]", "[16384, 327680]", "[0]")
            .replace(
                "eval_interval: 32", "eval_interval: 128\n  schedule: wsd\n  warmup_tokens: 2048"));
    Path out = dir.resolve("out");
    List<String> args =
        List.of("run", spec.toString(), "--out", out.toString(), "--checkpoint-every", "1");
    try (Submission run =
        Submission.start(
            cluster.masterUrl, spec, out, dir, Map.of("spark.task.maxFailures", "4"), args)) {
      long deadline = System.nanoTime() + 240_000_000_000L;
      long seen = -1;
      String appId = null;
      String jobs = "";
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      while (System.nanoTime() < deadline && run.process.isAlive() && seen < 150) {
        seen = checkpointStep(out.resolve("checkpoints"));
        String[] ids = run.uiAndAppId();
        appId = ids == null ? null : ids[1];
        if (ids != null) {
          try {
            jobs =
                http.send(
                        HttpRequest.newBuilder(
                                URI.create(
                                    ids[0].replace("localhost", "127.0.0.1")
                                        + "/api/v1/applications/"
                                        + ids[1]
                                        + "/jobs"))
                            .timeout(Duration.ofSeconds(3))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body();
          } catch (java.io.IOException e) {
            // UI not up yet
          }
        }
        Thread.sleep(100);
      }
      assertTrue(seen >= 150, "a trunk checkpoint past step 150 was written:\n" + run.output());
      // The Spark UI tells trunk segments and branches apart by their job descriptions.
      assertTrue(jobs.contains("sweep wsdkill: trunk "), jobs);
      assertTrue(jobs.contains("sweep wsdkill: branch "), jobs);
      assertNotNull(appId);
      Thread.sleep(500); // let the trunk train past its checkpoint, so a restart from 0 would show
      List<ProcessHandle> executors = LocalCluster.executors(appId);
      assertEquals(2, executors.size(), run.output());
      for (ProcessHandle e : executors) { // the one running the trunk is among them
        e.destroyForcibly();
        e.onExit().get();
      }
      assertEquals(0, run.await(300), run.output());

      List<Row> rows = trialsTable(out);
      assertEquals(2, rows.size(), "every branch exactly once: " + rows);
      assertEquals(2, rows.stream().map(Row::trialId).distinct().count(), rows.toString());
      rows.forEach(r -> assertEquals("finished", r.status(), r.toString()));
      Matcher m =
          Pattern.compile("trunk \\S+ reached step 1024 \\(resumed at (\\d+)\\)")
              .matcher(run.output());
      assertTrue(m.find(), run.output());
      long resumedAt = Long.parseLong(m.group(1));
      assertTrue(
          resumedAt >= seen && resumedAt < 1024,
          "the retried trunk segment resumed from its checkpoint (>= "
              + seen
              + "), found "
              + resumedAt);
      System.out.printf(
          "[it] wsd executor kill: executors killed after a trunk checkpoint at step >= %d; the"
              + " retried segment resumed at step %d of 1024; rows %d, each once%n",
          seen, resumedAt, rows.size());
    }
  }

  @Test
  void gpuWithoutCuda_trialsRecordedFailedAfterSparkRetries(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("nocuda.yaml");
    Files.writeString(spec, spec("nocuda", "[16]", "[16384]", "[0, 1]"));
    Path out = dir.resolve("out");
    // Fake GPUs and no CPU fallback: every attempt fails loudly (a wasted GPU is worse than an
    // error).
    Map<String, String> conf =
        new TreeMap<>(
            Map.of(
                "spark.executor.resource.gpu.amount", "1",
                "spark.task.resource.gpu.amount", "1",
                "spark.task.maxFailures", "2"));
    try (Submission run = Submission.start(cluster.masterUrl, spec, out, dir, conf)) {
      assertEquals(3, run.await(240), "exit code 3 says some trials failed:\n" + run.output());
      assertTrue(
          run.output().contains("0 finished, 0 diverged, 2 failed of 2 trials"), run.output());
    }
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT status, attempt, error, final_eval_loss FROM read_parquet('"
                    + out.resolve("trials")
                    + "/*.parquet')")) {
      int rows = 0;
      while (rs.next()) {
        rows++;
        assertEquals("failed", rs.getString(1));
        assertEquals(1, rs.getInt(2), "recorded on the last of spark.task.maxFailures=2 attempts");
        assertTrue(
            rs.getString(3).contains("usable GPU(s)")
                && rs.getString(3).contains("allowCpuFallback"),
            rs.getString(3));
        assertEquals(null, rs.getObject(4));
      }
      assertEquals(2, rows);
    }
  }

  @Test
  void fakeGpus_distinctAddressesAndSharingWithinLimits_restApiNamesTheSweep(@TempDir Path dir)
      throws Exception {
    Path spec = dir.resolve("gpus.yaml");
    // width 16: 6ND <= 6.0e8 < 1e9 (a half GPU each); width 32: 6ND >= 1.2e9 (a whole GPU each).
    Files.writeString(spec, spec("gpus", "[16, 32]", "[16384, 32768]", "[0, 1]"));
    Path out = dir.resolve("out");
    Map<String, String> conf =
        new TreeMap<>(
            Map.of(
                "spark.executor.resource.gpu.amount", "1",
                "spark.task.resource.gpu.amount", "1",
                "spark.sweep.gpu.allowCpuFallback", "true",
                "spark.sweep.gpu.shareBelowFlops", "1e9",
                "spark.sweep.gpu.shareTaskAmount", "0.5",
                // Live steps reach the page with heartbeats: on a quiet machine a trial here
                // trains in about 2 s, so a 1 s heartbeat could show each trial at one step only.
                "spark.executor.heartbeatInterval", "300ms"));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    boolean sawJob = false;
    long sawTokens = 0;
    long sawFinished = 0;
    String lastJobs = "";
    // The Sweep page's live values of trials running on remote executors: trial -> steps seen.
    Map<String, Set<Long>> liveSteps = new HashMap<>();
    try (Submission run = Submission.start(cluster.masterUrl, spec, out, dir, conf)) {
      // Poll the driver's REST API while the sweep runs.
      while (run.process.isAlive()) {
        String[] ids = run.uiAndAppId();
        if (ids != null) {
          String base = ids[0].replace("localhost", "127.0.0.1") + "/api/v1/applications/" + ids[1];
          try {
            String jobs =
                http.send(
                        HttpRequest.newBuilder(URI.create(base + "/jobs"))
                            .timeout(Duration.ofSeconds(3))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body();
            lastJobs = jobs;
            if (jobs.contains("\"jobGroup\" : \"sweep-gpus\"")
                && jobs.contains("sweep gpus: 8 trials")) {
              sawJob = true;
            }
            String stages =
                http.send(
                        HttpRequest.newBuilder(URI.create(base + "/stages"))
                            .timeout(Duration.ofSeconds(3))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body();
            String sweep =
                http.send(
                        HttpRequest.newBuilder(
                                URI.create(
                                    ids[0].replace("localhost", "127.0.0.1") + "/sweep/json"))
                            .timeout(Duration.ofSeconds(3))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body();
            if (sweep.startsWith("{")) {
              for (com.fasterxml.jackson.databind.JsonNode t :
                  new com.fasterxml.jackson.databind.ObjectMapper()
                      .readTree(sweep)
                      .path("trials")) {
                if (t.path("status").asText().equals("running")
                    && t.path("step").asLong() > 0
                    && !t.path("executor").asText().equals("driver")) {
                  liveSteps
                      .computeIfAbsent(t.path("id").asText(), k -> new HashSet<>())
                      .add(t.path("step").asLong());
                }
              }
            }
            sawTokens = Math.max(sawTokens, accumulator(stages, "gpus: tokens trained"));
            sawFinished = Math.max(sawFinished, accumulator(stages, "gpus: trials finished"));
          } catch (java.io.IOException e) {
            // UI not up yet, or the driver is shutting down
          }
        }
        Thread.sleep(250);
      }
      assertEquals(0, run.await(60), run.output());
      System.out.printf(
          "[it] Sweep page, live steps of trials on remote executors before their commit: %s%n",
          liveSteps);
      assertTrue(
          !liveSteps.isEmpty(),
          "the Sweep page never showed a running trial's step from a remote executor");
      assertTrue(
          liveSteps.values().stream().anyMatch(steps -> steps.size() >= 2),
          "no remote trial's step advanced on the Sweep page: " + liveSteps);
      // On a cluster the first estimate is provisional, refined after the first trials, and the
      // run ends with estimate against actual.
      assertTrue(run.output().contains("slot(s) (provisional: assumes"), run.output());
      assertTrue(run.output().contains("Refined estimate: "), run.output());
      assertTrue(run.output().contains("Estimate vs actual: estimated "), run.output());
      assertTrue(
          sawJob,
          "REST /jobs never showed the sweep's job group and description; last: " + lastJobs);
      assertTrue(
          sawTokens > 0 && sawFinished >= 1,
          "REST /stages accumulables: tokens " + sawTokens + ", finished " + sawFinished);

      List<Row> rows = trialsTable(out);
      assertEquals(8, rows.size(), rows.toString());
      assertEquals(8, rows.stream().map(Row::trialId).distinct().count());
      Pattern gpu = Pattern.compile("spark gpu (\\d+), CUDA unavailable");
      Map<String, String> addressOfExecutor = new HashMap<>();
      for (Row r : rows) {
        Matcher m = gpu.matcher(r.device());
        assertTrue(m.find(), "device column names the Spark GPU: " + r.device());
        String previous = addressOfExecutor.put(r.executor(), m.group(1));
        assertTrue(
            previous == null || previous.equals(m.group(1)),
            "executor " + r.executor() + " saw two addresses");
      }
      assertEquals(
          Set.of("0", "1"),
          new HashSet<>(addressOfExecutor.values()),
          "both workers' GPUs used: " + addressOfExecutor);

      // Per GPU address (one executor per worker, one GPU each), two independent views:
      // (1) executor-side training intervals [commit time - wall_seconds, commit time]: the GPU
      // load
      //     (1 per whole-GPU trial, 0.5 per shared one) never exceeds 1;
      // (2) the driver's task intervals (event log): the 4 width-16 trials ran in the
      // fractional-GPU
      //     resource profile and two of them held one GPU at the same time for a while. (The driver
      //     records a task's finish after it has already freed the slot, so (2) is not used for
      // (1).)
      Map<String, List<double[]>> training = new HashMap<>();
      Map<String, String> widthOf = new HashMap<>();
      try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
          Statement st = db.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT trial_id, width FROM read_parquet('"
                      + out.resolve("trials")
                      + "/*.parquet')")) {
        while (rs.next()) {
          widthOf.put(rs.getString(1), rs.getString(2));
        }
      }
      for (Row r : rows) {
        double end =
            Files.getLastModifiedTime(out.resolve("commits/" + r.trialId() + ".json")).toMillis()
                / 1000.0;
        double amount = widthOf.get(r.trialId()).equals("16") ? 0.5 : 1.0;
        training
            .computeIfAbsent(r.executor(), k -> new ArrayList<>())
            .add(new double[] {end - r.wall(), end, amount});
      }
      double maxLoad = 0;
      for (List<double[]> iv : training.values()) {
        for (double[] a : iv) {
          double load = 0;
          for (double[] b : iv) {
            if (b[0] <= a[0] && a[0] < b[1]) {
              load += b[2];
            }
          }
          maxLoad = Math.max(maxLoad, load);
        }
      }
      EventLog events = EventLog.read(dir.resolve("events"));
      List<EventLog.Task> shared =
          events.tasks.stream()
              .filter(t -> t.success() && events.stageProfile.getOrDefault(t.stageId(), 0) != 0)
              .toList();
      double maxSharedOverlap = 0;
      for (EventLog.Task a : shared) {
        for (EventLog.Task b : shared) {
          if (a != b && a.executorId().equals(b.executorId())) {
            maxSharedOverlap =
                Math.max(
                    maxSharedOverlap,
                    (Math.min(a.finish(), b.finish()) - Math.max(a.launch(), b.launch())) / 1000.0);
          }
        }
      }
      System.out.printf(
          "[it] fake GPUs: executor->address %s, %d half-GPU tasks, max GPU load while training %.1f,"
              + " longest time two half-GPU trials shared a GPU %.2fs%n",
          addressOfExecutor, shared.size(), maxLoad, maxSharedOverlap);
      assertEquals(
          4, shared.size(), "the width-16 trials ran in the fractional-GPU resource profile");
      assertTrue(
          maxLoad <= 1.0, "GPU oversubscribed while training: load " + maxLoad + " " + training);
      assertTrue(
          maxSharedOverlap > 0.5,
          "two half-GPU trials shared one GPU: overlap " + maxSharedOverlap + "s");

      // The named accumulators' final values (event log) match the table.
      long tokens = rows.stream().mapToLong(Row::tokensTrained).sum();
      assertEquals(
          tokens,
          events.accumulators.get("gpus: tokens trained"),
          "accumulators " + events.accumulators);
      assertEquals(8L, events.accumulators.get("gpus: trials finished"));
    }
  }

  @Test
  void hdfs_sweepWithCorpusAndOutOnMiniDfs(@TempDir Path dir) throws Exception {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    conf.set(
        org.apache.hadoop.hdfs.MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("dfs").toString());
    long t0 = System.nanoTime();
    org.apache.hadoop.hdfs.MiniDFSCluster dfs =
        new org.apache.hadoop.hdfs.MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    try {
      dfs.waitActive();
      String nn = dfs.getURI().toString().replace("localhost", "127.0.0.1");
      System.out.printf(
          "[it] MiniDFSCluster up in %.1fs at %s%n", (System.nanoTime() - t0) / 1e9, nn);
      org.apache.hadoop.fs.FileSystem fs = dfs.getFileSystem();
      // A deterministic text corpus (about 200 KB of word salad) and the spec, both on HDFS.
      String[] words =
          "the of and to in a is that for it as was with be by on not he this are or his from at which but have an had they you were their one all we can her has there been if more when will would who so no"
              .split(" ");
      java.util.Random rnd = new java.util.Random(3);
      StringBuilder text = new StringBuilder();
      while (text.length() < 200_000) {
        text.append(words[Math.min(words.length - 1, (int) (-Math.log(1 - rnd.nextDouble()) * 8))])
            .append(rnd.nextInt(12) == 0 ? ".\n" : " ");
      }
      try (var o = fs.create(new org.apache.hadoop.fs.Path("/corpus/part-0.txt"))) {
        o.write(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      String spec =
          """
          name: hdfs
          seed: 3
          data:
            source: text
            path: %s/corpus/part-0.txt
            tokenizer: bytes
            validation_fraction: 0.1
            eval_tokens: 1024
          model:
            context: 32
            head_size: 16
          grid:
            width: [16, 32]
            depth: [1]
            tokens: [8192]
          training:
            batch_size: 8
            learning_rate: 3.0e-3
            eval_interval: 16
          """
              .formatted(nn);
      try (var o = fs.create(new org.apache.hadoop.fs.Path("/specs/hdfs.yaml"))) {
        o.write(spec.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      String out = nn + "/sweeps/hdfs";
      try (Submission run =
          Submission.start(
              cluster.masterUrl,
              null,
              null,
              dir,
              Map.of(),
              List.of("run", nn + "/specs/hdfs.yaml", "--out", out))) {
        assertEquals(0, run.await(240), run.output());
      }
      assertEquals(
          spec,
          new String(
              fs.open(new org.apache.hadoop.fs.Path("/sweeps/hdfs/spec.yaml")).readAllBytes(),
              java.nio.charset.StandardCharsets.UTF_8));
      assertEquals(
          2,
          fs.listStatus(
                  new org.apache.hadoop.fs.Path("/sweeps/hdfs/commits"),
                  p -> p.getName().endsWith(".json"))
              .length);
      Path local = dir.resolve("copy");
      fs.copyToLocalFile(
          new org.apache.hadoop.fs.Path("/sweeps/hdfs/trials"),
          new org.apache.hadoop.fs.Path(local.resolve("trials").toUri()));
      List<Row> rows = trialsTable(local);
      assertEquals(2, rows.size(), rows.toString());
      assertTrue(
          rows.stream().allMatch(r -> r.status().equals("finished") && r.tokensTrained() >= 8192),
          rows.toString());
      try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
          Statement st = db.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT min(final_eval_loss), max(final_eval_loss), max(vocab) FROM read_parquet('"
                      + local.resolve("trials")
                      + "/*.parquet')")) {
        assertTrue(rs.next());
        // Byte-level text: loss below uniform over 256 bytes, and no synthetic entropy floor.
        assertTrue(rs.getDouble(2) < Math.log(256), "eval loss " + rs.getDouble(2));
        assertEquals(256, rs.getInt(3));
        System.out.printf(
            "[it] HDFS sweep: 2 trials, eval loss %.3f..%.3f nats/byte, OUT %s%n",
            rs.getDouble(1), rs.getDouble(2), out);
      }
    } finally {
      dfs.shutdown();
    }
  }

  /** The largest value of a named accumulator in a /stages JSON answer, or -1 when absent. */
  static long accumulator(String stagesJson, String name) {
    Matcher m =
        Pattern.compile("\"name\" : \"" + Pattern.quote(name) + "\"[^}]*?\"value\" : \"?(\\d+)")
            .matcher(stagesJson);
    long best = -1;
    while (m.find()) {
      best = Math.max(best, Long.parseLong(m.group(1)));
    }
    return best;
  }
}
