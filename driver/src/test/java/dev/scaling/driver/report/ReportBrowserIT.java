package dev.scaling.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaling.driver.RunCommand;
import dev.scaling.driver.live.Chromium;
import dev.scaling.driver.live.DevTools;
import dev.scaling.driver.sweep.RunOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report in a real browser, offline: two small real sweeps (a wsd grid on the power-law source
 * with muP, and an IsoFLOP plan), each {@code OUT/report/index.html} opened from disk in headless
 * Chromium with its network cut. Every chart div is drawn (ink on its canvas), the page made no
 * request but for files, and a real mouse hover over a measured point shows a tooltip naming a
 * trial of that sweep's {@code OUT/trials}. Full-page screenshots go to {@code
 * target/report-screenshots/}.
 */
class ReportBrowserIT {
  static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("ReportBrowserIT")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  static final String WSD =
      """
      name: wsd-report
      seed: 7
      data: {source: powerlaw, eval_tokens: 4096}
      model:
        context: 16
        head_size: 4
        parametrization: mup
        base_width: 8
      grid:
        width: [8, 12, 16]
        depth: [1]
        tokens: [8192, 16384, 32768]
      training:
        batch_size: 8
        learning_rate: 6.0e-3
        schedule: wsd
        warmup_tokens: 1024
        cooldown_fraction: 0.2
        eval_interval: 16
      """;

  static final String ISOFLOP =
      """
      name: iso-report
      seed: 5
      data:
        source: synthetic
        eval_tokens: 1024
        synthetic: {vocab: 32, order: 2, branching: 4, zipf: 1.0}
      model:
        context: 16
        head_size: 2
      grid:
        width: [8, 10, 12, 14, 16, 18, 20, 24, 28, 32]
        depth: [1]
        isoflop:
          budgets: [3.6e8, 7.2e8]
          models: 5
          span: 8
          tokens_per_param: 20
      training:
        batch_size: 4
        learning_rate: 3.0e-3
        eval_interval: 50
      """;

  @Test
  void wsdReport_drawsEveryChartOfflineAndATooltipNamesATrial(@TempDir Path dir) throws Exception {
    Path out = sweep(dir, WSD);
    check(out, "Loss vs N for each D", "wsd-report.png");
  }

  @Test
  void isoflopReport_drawsEveryChartOfflineAndATooltipNamesATrial(@TempDir Path dir)
      throws Exception {
    Path out = sweep(dir, ISOFLOP);
    String html = Files.readString(out.resolve("report/index.html"));
    assertFalse(
        html.contains("Loss vs N for each D"),
        "an IsoFLOP design is not drawn per D (one point each)");
    check(
        out,
        html.contains("IsoFLOP profiles") ? "IsoFLOP profiles" : "Loss vs compute",
        "isoflop-report.png");
  }

  private static Path sweep(Path dir, String spec) throws Exception {
    Path file = dir.resolve("spec.yaml");
    Files.writeString(file, spec);
    Path out = dir.resolve("out");
    RunOutcome outcome =
        RunCommand.run(
            file.toString(),
            "--out",
            out.toString(),
            "--bootstrap",
            "20",
            "--checkpoint-every",
            "0");
    assertEquals(0, outcome.exitCode(), "the sweep ran");
    assertTrue(Files.isRegularFile(out.resolve("report/index.html")), "the sweep wrote its report");
    return out;
  }

  /**
   * Opens the report offline and checks every chart is drawn, no request left the disk, and a hover
   * over a measured point of the chart titled {@code hoverChart} shows a trial of the sweep.
   */
  private static void check(Path out, String hoverChart, String screenshot) throws Exception {
    Path index = out.resolve("report/index.html").toAbsolutePath();
    String html = Files.readString(index);
    int divs = html.split("<div class=\"chart\"", -1).length - 1;
    assertTrue(divs >= 5, "charts in the report: " + divs);
    Set<String> trials = trialIds(out);
    try (DevTools page = DevTools.start(Chromium.require(), true, 1280, 900)) {
      page.open(index.toUri().toString());
      Thread.sleep(1500); // the charts' first animation
      JsonNode drawn = page.eval(ReportPage.DRAWN);
      assertEquals(0, drawn.path("errors").size(), "charts that failed: " + drawn.path("errors"));
      assertEquals(divs, drawn.path("divs").asInt(), "chart divs in the DOM");
      assertEquals(divs, drawn.path("charts").asInt(), "charts drawn by the script");
      for (int i = 0; i < divs; i++) {
        assertTrue(
            drawn.path("ink").get(i).asInt() > 500,
            "chart "
                + drawn.path("titles").get(i).asText()
                + " has "
                + drawn.path("ink").get(i).asInt()
                + " coloured pixels");
      }
      List<String> requests = page.requests();
      assertFalse(requests.isEmpty(), "the page itself is a request");
      for (String url : requests) {
        assertTrue(
            url.startsWith("file:") || url.startsWith("data:") || url.startsWith("blob:"),
            "a request off the disk: " + url);
      }
      JsonNode target = page.eval(ReportPage.pick(hoverChart));
      assertFalse(target.isNull(), "no chart titled " + hoverChart + ": " + drawn.path("titles"));
      String id = target.path("id").asText();
      assertTrue(trials.contains(id), "the point hovered is trial " + id + " of OUT/trials");
      page.hover(target.path("x").asDouble(), target.path("y").asDouble());
      String tip = "";
      for (int i = 0; i < 20 && !tip.contains(id); i++) {
        Thread.sleep(150);
        tip = page.eval(ReportPage.tooltip(target.path("chart").asInt())).asText();
      }
      assertTrue(tip.contains(id), "tooltip after hovering " + target + ": '" + tip + "'");
      Set<String> named = new HashSet<>();
      for (String t : trials) {
        if (tip.contains(t)) {
          named.add(t);
        }
      }
      assertEquals(Set.of(id), named, "the tooltip names exactly the trial hovered");
      assertTrue(tip.contains("width") && tip.contains("loss"), tip);
      // Clicking a legend entry shows that series alone; clicking it again shows all.
      JsonNode legend = page.eval(ReportPage.isolate(target.path("chart").asInt()));
      String first = legend.path("name").asText();
      assertTrue(legend.path("names").size() >= 2, "entries: " + legend.path("names"));
      for (JsonNode n : legend.path("names")) {
        assertEquals(
            n.asText().equals(first),
            legend.path("first").path(n.asText()).asBoolean(true),
            "after one click on " + first + ": " + legend.path("first"));
        assertTrue(
            legend.path("second").path(n.asText()).asBoolean(true),
            "after two clicks: " + legend.path("second"));
      }
      assertTrue(legend.path("csv").asText().contains(id), "the CSV export holds trial " + id);
      // The SVG export renders the same chart without a canvas.
      JsonNode svg = page.eval("scalingCharts[0].svg().slice(0, 200)");
      assertTrue(svg.asText().startsWith("<svg"), "SVG export: " + svg.asText());
      page.screenshot(Path.of("target", "report-screenshots", screenshot));
    }
  }

  private static Set<String> trialIds(Path out) throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT trial_id FROM read_parquet('" + out.resolve("trials") + "/*.parquet')")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    assertFalse(ids.isEmpty(), "OUT/trials is empty");
    return ids;
  }
}
