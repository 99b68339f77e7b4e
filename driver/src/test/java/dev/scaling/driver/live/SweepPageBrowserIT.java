package dev.scaling.driver.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaling.driver.RunCommand;
import dev.scaling.driver.sweep.RunOutcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Sweep tab in a real browser during a {@code local[2]} sweep (heartbeats every second): the
 * running trial's step advances between two reads of the rendered page, the finished count never
 * runs ahead of the commits and equals them at the end, the curves are drawn; then the JSON twin
 * against the trials table, and a 404 for an unknown trial. Saves {@code target/sweep-page.png}.
 */
class SweepPageBrowserIT {
  static SparkSession spark;
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final Pattern ROW =
      Pattern.compile("<tr id=\"trial-([0-9a-f]+)\" data-status=\"(\\w+)\" data-step=\"(\\d+)\"");
  static final Pattern FINISHED = Pattern.compile("<span id=\"sweep-finished\">(\\d+)</span>");

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("SweepPageBrowserIT")
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

  static final String SPEC =
      """
      name: live
      seed: 5
      data:
        source: synthetic
        eval_tokens: 1024
        synthetic: {vocab: 32, order: 2, branching: 4, zipf: 1.0}
      model:
        context: 32
        head_size: 16
      grid:
        width: [16, 32]
        depth: [1]
        tokens: [65536, 262144]
      training:
        batch_size: 8
        learning_rate: 3.0e-3
        eval_interval: 100
      """;

  @Test
  void sweepPage_showsLiveStepsInABrowserAndMatchesTheCommits(@TempDir Path dir) throws Exception {
    Chromium chromium = Chromium.require();
    Path spec = dir.resolve("live.yaml");
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
    String page = ui + "/sweep/?refresh=0";

    // Wait until a trial reports steps through the heartbeats.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    boolean running = false;
    while (!running && System.nanoTime() < deadline && !run.isDone()) {
      HttpResponse<String> r = get(ui + "/sweep/json");
      if (r.statusCode() == 200) {
        for (JsonNode t : JSON.readTree(r.body()).path("trials")) {
          running |= t.path("status").asText().equals("running") && t.path("step").asLong() > 0;
        }
      }
      Thread.sleep(200);
    }
    assertTrue(running, "no trial reported live steps on /sweep/json before the sweep ended");

    String dom1 = chromium.dumpDom(page);
    long commitsAfterFirstRead = commits(out);
    PageTiming timing = PageTiming.parse(dom1);
    System.out.printf(
        "Sweep page, 4 trials: /sweep/json %.1f kB; render %.0f ms, first render %.0f ms%n",
        get(ui + "/sweep/json").body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
            / 1000.0,
        timing.renderMs(),
        timing.firstRenderMs());
    Map<String, long[]> first = rows(dom1, "running");
    assertFalse(first.isEmpty(), "the rendered page shows no running trial:\n" + dom1);
    int finishedShown = finished(dom1);
    assertTrue(
        finishedShown <= commitsAfterFirstRead,
        "page shows " + finishedShown + " finished, OUT/commits holds " + commitsAfterFirstRead);
    assertTrue(
        Pattern.compile("id=\"sweep-curves\"[^>]* data-drawn=\"[1-9][0-9]*\"").matcher(dom1).find(),
        "no learning-curve point drawn by the page's chart script:\n" + dom1);
    chromium.screenshot(ui + "/sweep/?refresh=0", Path.of("target", "sweep-page.png"));

    Thread.sleep(2500);
    String dom2 = chromium.dumpDom(page);
    Map<String, long[]> second = rows(dom2, null);
    boolean advanced = false;
    for (Map.Entry<String, long[]> e : first.entrySet()) {
      long[] later = second.get(e.getKey());
      assertNotNull(later, "trial " + e.getKey() + " vanished from the page");
      advanced |= later[0] > e.getValue()[0];
    }
    assertTrue(advanced, "no running trial's step advanced between two reads 2.5 s apart");

    RunOutcome outcome = run.get(300, TimeUnit.SECONDS);
    assertEquals(0, outcome.exitCode());

    // After the sweep: the page shows exactly the commits.
    String dom3 = chromium.dumpDom(page);
    assertEquals(commits(out), finished(dom3), "finished trials on the page vs OUT/commits");

    // The JSON twin against the trials table: every trial once, the same final values.
    JsonNode sweep = JSON.readTree(get(ui + "/sweep/json").body());
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    for (JsonNode t : sweep.path("trials")) {
      assertTrue(byId.put(t.path("id").asText(), t) == null, "trial twice: " + t);
    }
    List<Row> table =
        spark
            .read()
            .parquet(out.resolve("trials").toString())
            .select("trial_id", "final_eval_loss", "final_train_loss", "status", "executor_id")
            .collectAsList();
    assertEquals(4, table.size());
    assertEquals(
        table.stream().map(r -> r.getString(0)).collect(java.util.stream.Collectors.toSet()),
        byId.keySet());
    for (Row r : table) {
      JsonNode t = byId.get(r.getString(0));
      assertEquals(r.getString(3), t.path("status").asText(), r.getString(0));
      assertEquals(r.getDouble(1), t.path("eval_loss").asDouble(), 0.0, "eval loss " + r);
      assertEquals(r.getDouble(2), t.path("train_loss").asDouble(), 0.0, "train loss " + r);
      assertEquals(r.getString(4), t.path("executor").asText(), "executor " + r);
    }
    assertEquals(4, sweep.path("progress").path("finished").asInt());
    double lag = sweep.path("freshness").path("mean_lag_seconds").asDouble();
    System.out.printf(
        "Sweep page freshness with a 1 s heartbeat: %d updates, mean %.2f s, max %.2f s;"
            + " screenshot %s%n",
        sweep.path("freshness").path("updates").asLong(),
        lag,
        sweep.path("freshness").path("max_lag_seconds").asDouble(),
        Path.of("target", "sweep-page.png").toAbsolutePath());
    assertTrue(lag > 0 && lag < 5, "mean delay from executor step to driver: " + lag);

    // One trial with its curve; an unknown id is a 404 with a message.
    String id = table.get(0).getString(0);
    JsonNode one = JSON.readTree(get(ui + "/sweep/json?trial=" + id).body());
    assertEquals(id, one.path("id").asText());
    assertTrue(one.path("curve").size() > 0, "curve of " + id);
    HttpResponse<String> missing = get(ui + "/sweep/json?trial=nope");
    assertEquals(404, missing.statusCode());
    assertTrue(missing.body().contains("no trial or trunk with id 'nope'"), missing.body());
  }

  static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Committed trials in OUT. */
  static long commits(Path out) throws Exception {
    Path c = out.resolve("commits");
    if (!Files.isDirectory(c)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(c)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".json")).count();
    }
  }

  /** Step (and nothing else) of each trial row with {@code status} (any when null). */
  static Map<String, long[]> rows(String dom, String status) {
    Map<String, long[]> rows = new HashMap<>();
    Matcher m = ROW.matcher(dom);
    while (m.find()) {
      if (status == null || status.equals(m.group(2))) {
        rows.put(m.group(1), new long[] {Long.parseLong(m.group(3))});
      }
    }
    return rows;
  }

  static int finished(String dom) {
    Matcher m = FINISHED.matcher(dom);
    assertTrue(m.find(), "no finished count on the page");
    return Integer.parseInt(m.group(1));
  }
}
