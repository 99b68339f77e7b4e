package dev.scaling.driver.live;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.scaling.driver.live.SweepView.CurveView;
import dev.scaling.driver.live.SweepView.TrialView;
import dev.scaling.driver.plan.Durations;
import dev.scaling.driver.report.chart.Axis;
import dev.scaling.driver.report.chart.Chart;
import dev.scaling.driver.report.chart.ChartHtml;
import dev.scaling.driver.report.chart.Point;
import dev.scaling.driver.report.chart.Series;
import dev.scaling.driver.report.chart.Style;
import dev.scaling.driver.report.chart.Tip;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Sweep tab of the Spark UI: {@code /sweep/} renders the {@link SweepModel} in Spark's page
 * frame (progress, live learning curves drawn by the report's chart script, the current fit, every
 * trial), reloading itself every {@value #REFRESH_SECONDS} seconds; {@code /sweep/charts.js} serves
 * that script; {@code /sweep/json} returns the same snapshot as JSON and {@code
 * /sweep/json?trial=ID} one trial with its curve (404 with a message for an unknown id). Jetty's
 * request threads call it; it only reads immutable snapshots, so it never throws on an empty or
 * unfinished sweep.
 */
public final class SweepPage extends HttpServlet {
  private static final long serialVersionUID = 1L;

  /** Seconds between reloads of the page in a browser. */
  public static final int REFRESH_SECONDS = 2;

  /** The page's prefix under the Spark UI. */
  public static final String PREFIX = "sweep";

  static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private final transient SweepModel model;
  private transient volatile SparkUiHook hook;

  SweepPage(SweepModel model) {
    this.model = model;
  }

  void hook(SparkUiHook h) {
    this.hook = h;
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
    if (path.equals("/json") || path.equals("/json/")) {
      String id = req.getParameter("trial");
      String body;
      if (id == null) {
        body = json(model.snapshot(false));
      } else {
        Optional<TrialView> t = model.trial(id);
        if (t.isEmpty()) {
          send(resp, 404, "application/json", json(Map.of("error", unknownTrial(id))));
          return;
        }
        body = json(t.get());
      }
      send(resp, 200, "application/json", body);
      return;
    }
    if (path.equals("/" + SCRIPT)) {
      // The chart script (ECharts and its glue), served once and cached: the page reloads often.
      byte[] bytes = ChartHtml.scriptSource().getBytes(StandardCharsets.UTF_8);
      resp.setStatus(200);
      resp.setContentType("application/javascript;charset=utf-8");
      resp.setHeader("Cache-Control", "max-age=3600");
      resp.setContentLength(bytes.length);
      resp.getOutputStream().write(bytes);
      return;
    }
    if (!path.equals("/")) {
      send(
          resp,
          404,
          "text/plain",
          "no page "
              + path
              + " under /"
              + PREFIX
              + "/; try /"
              + PREFIX
              + "/ or /"
              + PREFIX
              + "/json");
      return;
    }
    SweepView view = model.snapshot(true);
    String body = body(view);
    SparkUiHook h = hook;
    String html =
        h == null
            ? "<!DOCTYPE html><html><body>" + body + "</body></html>"
            : h.frame(req, "Sweep " + view.sweep(), body);
    send(resp, 200, "text/html", html);
  }

  private String unknownTrial(String id) {
    return "sweep "
        + model.sweepName()
        + " has no trial or trunk with id '"
        + id
        + "'; /"
        + PREFIX
        + "/json lists every id";
  }

  private static void send(HttpServletResponse resp, int status, String type, String body)
      throws IOException {
    resp.setStatus(status);
    resp.setContentType(type + ";charset=utf-8");
    resp.setHeader("Cache-Control", "no-cache, no-store, must-revalidate");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }

  /** The JSON text of a snapshot, a trial or an error object. */
  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the sweep as JSON: " + e.getMessage(), e);
    }
  }

  /** The page's content (inside Spark's frame). */
  static String body(SweepView v) {
    StringBuilder sb = new StringBuilder();
    SweepView.Progress p = v.progress();
    sb.append("<div id=\"sweep-summary\">");
    sb.append(
        String.format(
            Locale.ROOT,
            "<p><b>%d of %d trials done</b> (<span id=\"sweep-finished\">%d</span> finished, %d"
                + " diverged, %d failed), <span id=\"sweep-running\">%d</span> running, %d"
                + " retried, %d attempt(s) lost &middot; FLOPs %.0f%% of %.3g &middot; elapsed %s,"
                + " ETA %s</p>",
            p.finished() + p.diverged() + p.failed(),
            p.planned(),
            p.finished(),
            p.diverged(),
            p.failed(),
            p.running(),
            p.retried(),
            p.attemptsLost(),
            p.flopsTotal() > 0 ? 100 * p.flopsDone() / p.flopsTotal() : 0,
            p.flopsTotal(),
            Durations.format(v.elapsedSeconds()),
            p.etaSeconds() == null ? "?" : Durations.format(p.etaSeconds())));
    if (p.trunks() > 0) {
      sb.append(
          String.format(
              Locale.ROOT,
              "<p><b>Trunks</b> (trained to their last fork in segments; no trial):"
                  + " <span id=\"sweep-trunks-running\">%d</span> running,"
                  + " <span id=\"sweep-trunks-finished\">%d</span> finished of %d</p>",
              p.trunksRunning(),
              p.trunksFinished(),
              p.trunks()));
    }
    if (v.estimate() != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "<p>Estimated before training: %s (%s)</p>",
              Durations.format(v.estimate().seconds()),
              esc(v.estimate().basis())));
    }
    SweepView.Freshness f = v.freshness();
    sb.append(
        String.format(
            Locale.ROOT,
            "<p>Live values arrive with executor heartbeats (spark.executor.heartbeatInterval %s):"
                + " %d update(s), delay from a step on the executor to the driver mean %s, max %s;"
                + " newest %s ago. This page reloads every %d s; <a href=\"json\">JSON</a>.</p>",
            esc(f.heartbeatInterval()),
            f.updates(),
            seconds(f.meanLagSeconds()),
            seconds(f.maxLagSeconds()),
            seconds(f.lastUpdateSecondsAgo()),
            REFRESH_SECONDS));
    sb.append("</div>");
    sb.append("<h4>Learning curves</h4>");
    sb.append(chart(v.trials()));
    if (v.fit() != null) {
      sb.append(
          String.format(
              Locale.ROOT, "<h4>Current fit (%d finished trials)</h4>", v.fit().finishedTrials()));
      sb.append("<pre id=\"sweep-fit\">").append(esc(v.fit().summary())).append("</pre>");
    } else {
      sb.append("<p id=\"sweep-fit\">The laws are fitted once enough trials have finished.</p>");
    }
    sb.append("<h4>Trials</h4>");
    sb.append(
        "<table class=\"table table-bordered table-sm\" id=\"sweep-trials\"><thead><tr>"
            + "<th>trial</th><th>width</th><th>depth</th><th>tokens (D)</th><th>status</th>"
            + "<th>executor</th><th>device</th><th>step</th><th>tokens done</th>"
            + "<th>train loss</th><th>held-out loss</th><th>tokens/s</th><th>ETA / wall</th>"
            + "<th>updated</th>"
            + "</tr></thead><tbody>");
    for (TrialView t : v.trials()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "<tr id=\"trial-%s\" data-status=\"%s\" data-step=\"%d\" data-kind=\"%s\"><td><a"
                  + " href=\"json?trial=%s\">%s</a></td><td>%s</td><td>%s</td><td>%s</td>"
                  + "<td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%s</td>"
                  + "<td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
              esc(t.id()),
              t.status(),
              t.step(),
              t.kind(),
              esc(t.id()),
              esc(t.id()) + (t.kind().equals("trunk") ? " (trunk)" : ""),
              t.width() == null ? "" : t.width(),
              t.depth() == null ? "" : t.depth(),
              t.tokens() == null ? "" : t.tokens(),
              t.status() + (t.attempt() > 0 ? " (attempt " + t.attempt() + ")" : ""),
              t.executor() == null ? "" : esc(t.executor() + " @ " + t.host()),
              t.device() == null ? "" : esc(t.device()),
              t.steps() == null ? String.valueOf(t.step()) : t.step() + " / " + t.steps(),
              t.tokensDone(),
              loss(t.trainLoss()),
              loss(t.evalLoss()),
              t.tokensPerSecond() == null
                  ? ""
                  : String.format(Locale.ROOT, "%.0f", t.tokensPerSecond()),
              t.etaSeconds() != null
                  ? "ETA " + Durations.format(t.etaSeconds())
                  : t.wallSeconds() != null ? Durations.format(t.wallSeconds()) : "",
              t.updatedSecondsAgo() == null
                  ? ""
                  : String.format(Locale.ROOT, "%.0f s ago", t.updatedSecondsAgo())));
    }
    sb.append("</tbody></table>");
    sb.append(
        "<script>setTimeout(function(){if(!/[?&]refresh=0/.test(location.search))"
            + "location.reload();},"
            + REFRESH_SECONDS * 1000
            + ");</script>");
    return sb.toString();
  }

  /** The chart script's path beside the page ({@code /sweep/charts.js}). */
  static final String SCRIPT = "charts.js";

  /**
   * Training-loss curves of every trial against tokens (log axis), held-out losses as points whose
   * tooltip names the trial, drawn by the report's chart script ({@link ChartHtml}); a sentence
   * before any point exists.
   */
  static String chart(List<TrialView> trials) {
    Chart c =
        Chart.of("Learning curves", Axis.log("training tokens"), Axis.log("loss (nats/token)"));
    for (TrialView t : trials) {
      List<CurveView> curve = t.curve() == null ? List.of() : t.curve();
      List<Point> train = new ArrayList<>();
      List<Point> eval = new ArrayList<>();
      for (CurveView v : curve) {
        if (v.tokens() <= 0) {
          continue;
        }
        if (v.trainLoss() != null && v.trainLoss() > 0 && Double.isFinite(v.trainLoss())) {
          train.add(Point.of(v.tokens(), v.trainLoss()));
        }
        if (v.evalLoss() != null && v.evalLoss() > 0 && Double.isFinite(v.evalLoss())) {
          eval.add(
              new Point(
                  v.tokens(),
                  v.evalLoss(),
                  Double.NaN,
                  Tip.of(
                      t.id(),
                      "width",
                      String.valueOf(t.width()),
                      "depth",
                      String.valueOf(t.depth()),
                      "D",
                      String.valueOf(t.tokens()),
                      "status",
                      t.status(),
                      "step",
                      String.valueOf(v.step()),
                      "held-out loss",
                      String.format(Locale.ROOT, "%.4f", v.evalLoss()))));
        }
      }
      String name = t.id() + (t.width() == null ? "" : " (w=" + t.width() + ")");
      if (!train.isEmpty()) {
        c = c.with(new Series(name, Style.LINE, train));
      }
      if (!eval.isEmpty()) {
        c = c.with(new Series(name, Style.POINTS, eval));
      }
    }
    if (c.isEmpty()) {
      return "<p id=\"sweep-curves\">No learning-curve points yet: they appear with the first"
          + " heartbeat of a running trial.</p>";
    }
    return "<script src=\"" + SCRIPT + "\"></script>" + ChartHtml.bare(c, "sweep-curves");
  }

  private static String loss(Double v) {
    return v == null ? "" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String seconds(Double v) {
    return v == null ? "?" : String.format(Locale.ROOT, "%.1f s", v);
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
