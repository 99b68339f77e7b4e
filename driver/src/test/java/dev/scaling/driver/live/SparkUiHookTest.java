package dev.scaling.driver.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark UI's private attach points as {@link SparkUiHook} uses them, on a real {@code local[2]}
 * UI: a tab in the navigation bar, a servlet under its prefix inside Spark's page frame, detached
 * again; and the Sweep page of a sweep that has not started (empty, never an error, unknown trial a
 * 404). A Spark upgrade that moves the attach points fails here.
 */
class SparkUiHookTest {
  static SparkContext sc;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    sc =
        new SparkContext(
            new SparkConf()
                .setMaster("local[2]")
                .setAppName("SparkUiHookTest")
                .set("spark.ui.enabled", "true")
                .set("spark.ui.port", "0"));
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void attach_servesATabInSparksFrameAndDetaches() throws Exception {
    SparkUiHook[] hook = new SparkUiHook[1];
    HttpServlet servlet =
        new HttpServlet() {
          @Override
          protected void doGet(HttpServletRequest req, HttpServletResponse resp)
              throws IOException {
            resp.setContentType("text/html");
            resp.getWriter().write(hook[0].frame(req, "Probe", "<p id=\"probe\">hello 42</p>"));
          }
        };
    hook[0] = SparkUiHook.attach(sc, "probe", servlet).orElseThrow();
    String ui = sc.uiWebUrl().get();
    assertEquals(ui + "/probe/", hook[0].pageUrl());
    HttpResponse<String> page = get(ui + "/probe/");
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<p id=\"probe\">hello 42</p>"), page.body());
    // Spark's frame: the navigation bar lists the built-in tabs and ours, active.
    assertTrue(page.body().contains(">Jobs<"), page.body());
    assertTrue(page.body().contains(">Probe<"), page.body());
    // Another tab's page now links to ours.
    assertTrue(get(ui + "/jobs/").body().contains("/probe/"));
    hook[0].detach();
    HttpResponse<String> after = get(ui + "/probe/");
    // Spark's root handler answers unknown paths (a redirect to /jobs/), never our servlet.
    assertTrue(
        after.statusCode() != 200 && !after.body().contains("hello 42"),
        after.statusCode() + " " + after.body());
    assertTrue(!get(ui + "/jobs/").body().contains("/probe/"));
  }

  @Test
  void sweepPage_emptySweepRendersAndUnknownTrialIs404(@TempDir Path out) throws Exception {
    Plan plan =
        Planner.plan(
            SpecParser.parse(
                """
                name: empty
                seed: 1
                data: {source: synthetic}
                model: {context: 16, head_size: 8}
                grid: {width: [8, 16], depth: [1], tokens: [4096, 8192, 16384]}
                training: {batch_size: 4, learning_rate: 1.0e-3, eval_interval: 10}
                """));
    SweepWatch watch =
        SweepWatch.start(sc, plan, List.of(), out.toUri().toString(), new Configuration(), null);
    try {
      String ui = sc.uiWebUrl().get();
      HttpResponse<String> page = get(watch.pageUrl().orElseThrow());
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("No learning-curve points yet"), page.body());
      assertEquals(6, count(page.body(), "data-status=\"planned\""));
      assertTrue(page.body().contains("<span id=\"sweep-finished\">0</span>"));
      JsonNode json = new ObjectMapper().readTree(get(ui + "/sweep/json").body());
      assertEquals(6, json.path("progress").path("planned").asInt());
      assertEquals(6, json.path("trials").size());
      assertTrue(json.path("progress").path("eta_seconds").isMissingNode());
      String id = plan.trials().get(0).trialId();
      JsonNode one = new ObjectMapper().readTree(get(ui + "/sweep/json?trial=" + id).body());
      assertEquals("planned", one.path("status").asText());
      HttpResponse<String> missing = get(ui + "/sweep/json?trial=0000");
      assertEquals(404, missing.statusCode());
      assertTrue(missing.body().contains("no trial or trunk with id '0000'"), missing.body());
      assertEquals(404, get(ui + "/sweep/nothing").statusCode());
    } finally {
      watch.close();
    }
  }

  static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
