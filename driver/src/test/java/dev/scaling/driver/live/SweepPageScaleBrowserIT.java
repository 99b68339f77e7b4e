package dev.scaling.driver.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Sweep page of a 10 000-trial sweep ({@link ScaleFixture}, 256 trials running) served by a
 * real {@code local[2]} Spark UI and rendered by headless Chromium: the table shows one page, the
 * curves are drawn, and the page records its render times on {@code <body>} ({@link PageTiming}),
 * which are printed (not asserted: they depend on the machine). Also prints the sizes of a poll.
 */
class SweepPageScaleBrowserIT {
  static SparkContext sc;

  @BeforeAll
  static void start() {
    sc =
        new SparkContext(
            new SparkConf()
                .setMaster("local[2]")
                .setAppName("SweepPageScaleBrowserIT")
                .set("spark.ui.enabled", "true")
                .set("spark.ui.port", "0"));
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  @Test
  void sweepPage_of10000TrialsShowsOnePageAndRecordsItsRenderTime() throws Exception {
    Chromium chromium = Chromium.require();
    SweepModel model = ScaleFixture.model(256);
    SweepPage page = new SweepPage(model);
    SparkUiHook hook = SparkUiHook.attach(sc, SweepPage.PREFIX, page).orElseThrow();
    page.hook(hook);
    try {
      String ui = sc.uiWebUrl().get();
      HttpResponse<String> json = SparkUiHookTest.get(ui + "/sweep/json");
      HttpResponse<String> html = SparkUiHookTest.get(ui + "/sweep/?refresh=0");
      assertEquals(200, json.statusCode());
      assertEquals(200, html.statusCode());
      // The page as served, beside its chart script, to open from disk.
      java.nio.file.Path dir = java.nio.file.Path.of("target", "sweep-scale");
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Files.writeString(dir.resolve("index.html"), html.body());
      java.nio.file.Files.writeString(
          dir.resolve(SweepPage.SCRIPT), dev.scaling.driver.report.chart.ChartHtml.scriptSource());
      int jsonBytes = json.body().getBytes(StandardCharsets.UTF_8).length;
      assertTrue(jsonBytes < 500_000, "/sweep/json of " + jsonBytes + " bytes");

      String dom = "";
      for (int i = 0; i < 3; i++) {
        dom = chromium.dumpDom(ui + "/sweep/?refresh=0");
        PageTiming t = PageTiming.parse(dom);
        System.out.printf(
            "Sweep page, 10 000 trials (256 running): /sweep/json %.1f kB, page %.1f kB;"
                + " render %.0f ms, first render (fetch included) %.0f ms%n",
            jsonBytes / 1000.0,
            html.body().getBytes(StandardCharsets.UTF_8).length / 1000.0,
            t.renderMs(),
            t.firstRenderMs());
      }
      assertEquals(100, count(dom, "<tr id=\"trial-"), "one page of the trial table");
      assertEquals(256, count(dom, "<tr id=\"running-"), "every running trial");
      assertTrue(dom.contains("showing 1–100 of 10,000"), "the page says it is paged");
      Matcher drawn =
          Pattern.compile("id=\"sweep-curves\"[^>]* data-drawn=\"(\\d+)\"").matcher(dom);
      assertTrue(drawn.find(), "the curves were not drawn");
      System.out.println("points drawn: " + drawn.group(1));

      // A later page, filtered: its rows and the pager's links.
      String next = chromium.dumpDom(ui + "/sweep/?refresh=0&status=finished&offset=100");
      assertEquals(100, count(next, "<tr id=\"trial-"));
      assertEquals(100, count(next, "<tr id=\"trial-[0-9a-f]+\" data-status=\"finished\""));
      assertTrue(next.contains("id=\"sweep-prev\""), "a link to the previous page");
      PageTiming.parse(next);
    } finally {
      hook.detach();
    }
  }

  static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
