package dev.scaling.driver.live;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
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
import java.net.URLEncoder;
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
 * /sweep/json?trial=ID} one trial with its curve (404 with a message for an unknown id). Both the
 * page and the JSON are bounded whatever the sweep's size: totals, per-axis counts, every running
 * row, one page of the trial table chosen by the query parameters {@code offset}, {@code limit},
 * {@code sort}, {@code status} and {@code q} ({@link SweepQuery}; 400 with a message for a bad
 * value) and at most {@value SweepModel#MAX_CURVES} sampled curves; the page says when it is paged
 * or sampled. Jetty's request threads call it; it only reads immutable snapshots, so it never
 * throws on an empty or unfinished sweep.
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
        SweepQuery q;
        try {
          q = SweepQuery.parse(req::getParameter);
        } catch (IllegalArgumentException e) {
          send(resp, 400, "application/json", json(Map.of("error", e.getMessage())));
          return;
        }
        body = json(model.snapshot(q));
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
    SweepQuery q;
    try {
      q = SweepQuery.parse(req::getParameter);
    } catch (IllegalArgumentException e) {
      send(resp, 400, "text/plain", e.getMessage());
      return;
    }
    SweepView view = model.snapshot(q);
    String body = body(view, "0".equals(req.getParameter("refresh")));
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

  /** The page's content (inside Spark's frame), reloading itself. */
  static String body(SweepView v) {
    return body(v, false);
  }

  /**
   * The page's content (inside Spark's frame): the totals, the aggregates per grid axis and the
   * running trials when the sweep is larger than a page, the sampled curves, the fit and one page
   * of the trial table; a script at its end records the render's duration on {@code <body>} ({@link
   * PageTiming}).
   *
   * @param noRefresh the page was asked with {@code refresh=0}: its links keep it
   */
  static String body(SweepView v, boolean noRefresh) {
    StringBuilder sb = new StringBuilder();
    SweepView.Page page = v.page();
    boolean paged = page.total() > page.limit() || page.partial() || !page.status().isEmpty();
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
    if (paged && !v.axes().isEmpty()) {
      sb.append("<h4>Trials by grid axis</h4>");
      axes(sb, v.axes());
    }
    sb.append("<h4>Learning curves</h4>");
    SweepView.Curves curves = v.curves();
    if (curves.sampled()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "<p id=\"sweep-curves-note\">curves: %d sampled of %,d (the running trials first,"
                  + " then spread over the grid's width x depth x tokens cells), each at most %d"
                  + " points%s; every trial's whole curve: its id's link</p>",
              curves.shown(),
              curves.of(),
              curves.series().size() > CROWDED ? curves.pointsMax() / 2 : curves.pointsMax(),
              curves.series().size() > CROWDED ? ", training loss only" : ""));
    }
    sb.append(chart(curves));
    if (v.fit() != null) {
      sb.append(
          String.format(
              Locale.ROOT, "<h4>Current fit (%d finished trials)</h4>", v.fit().finishedTrials()));
      sb.append("<pre id=\"sweep-fit\">").append(esc(v.fit().summary())).append("</pre>");
    } else {
      sb.append("<p id=\"sweep-fit\">The laws are fitted once enough trials have finished.</p>");
    }
    if (paged && !v.running().isEmpty()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "<h4>Running now (%d%s)</h4>",
              page.runningTotal(),
              page.runningTotal() > v.running().size()
                  ? ", " + v.running().size() + " shown"
                  : ""));
      table(sb, v.running(), "sweep-running-trials", "running-", null, noRefresh);
    }
    sb.append("<h4>Trials</h4>");
    if (paged) {
      pager(sb, v, noRefresh);
    }
    table(sb, v.trials(), "sweep-trials", "trial-", paged ? page : null, noRefresh);
    sb.append(TIMING_SCRIPT);
    sb.append(
        "<script>setTimeout(function(){if(!/[?&]refresh=0/.test(location.search))"
            + "location.reload();},"
            + REFRESH_SECONDS * 1000
            + ");</script>");
    return sb.toString();
  }

  /**
   * Records on {@code <body>} how long this render took ({@link PageTiming}): run on
   * DOMContentLoaded after the chart script's own handler (registered earlier), so the curves are
   * drawn; the DOM a browser dumps after load holds both attributes.
   */
  static final String TIMING_SCRIPT =
      "<script>(function(){function mark(){var b=document.body,n=performance.getEntriesByType"
          + "&&performance.getEntriesByType('navigation')[0],now=performance.now(),"
          + "from=n?n.responseStart:0;b.setAttribute('data-render-ms',Math.max(0,now-from)"
          + ".toFixed(1));if(!b.hasAttribute('data-first-render-ms'))"
          + "b.setAttribute('data-first-render-ms',now.toFixed(1));}"
          + "if(document.readyState==='loading')document.addEventListener('DOMContentLoaded',"
          + "mark);else mark();})();</script>";

  private static final String[][] COLUMNS = {
    {"trial", "id"},
    {"width", "width"},
    {"depth", "depth"},
    {"tokens (D)", "tokens"},
    {"status", "status"},
    {"executor", null},
    {"device", null},
    {"step", "step"},
    {"tokens done", null},
    {"train loss", "train_loss"},
    {"held-out loss", "eval_loss"},
    {"tokens/s", null},
    {"ETA / wall", null},
    {"updated", "updated"}
  };

  /** A table of rows; with {@code sortable} (the page shown) its headers link to sorted pages. */
  private static void table(
      StringBuilder sb,
      List<TrialView> rows,
      String id,
      String rowPrefix,
      SweepView.Page sortable,
      boolean noRefresh) {
    sb.append("<table class=\"table table-bordered table-sm\" id=\"")
        .append(id)
        .append("\"><thead><tr>");
    for (String[] c : COLUMNS) {
      sb.append("<th>");
      if (sortable != null && c[1] != null) {
        boolean current = sortable.sort().equals(c[1]);
        boolean desc = current && !sortable.descending();
        sb.append("<a href=\"")
            .append(esc(link(sortable, 0, c[1], desc, noRefresh)))
            .append("\">")
            .append(c[0])
            .append(current ? (sortable.descending() ? " &#9660;" : " &#9650;") : "")
            .append("</a>");
      } else {
        sb.append(c[0]);
      }
      sb.append("</th>");
    }
    sb.append("</tr></thead><tbody>");
    for (TrialView t : rows) {
      row(sb, t, rowPrefix);
    }
    sb.append("</tbody></table>");
  }

  private static void row(StringBuilder sb, TrialView t, String prefix) {
    sb.append(
        String.format(
            Locale.ROOT,
            "<tr id=\"%s%s\" data-status=\"%s\" data-step=\"%d\" data-kind=\"%s\"><td><a"
                + " href=\"json?trial=%s\">%s</a></td><td>%s</td><td>%s</td><td>%s</td>"
                + "<td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%s</td>"
                + "<td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
            prefix,
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

  /** One small table per grid axis: its values' trials by status. */
  private static void axes(StringBuilder sb, List<SweepView.AxisCounts> axes) {
    sb.append("<div id=\"sweep-axes\" style=\"display:flex;flex-wrap:wrap;gap:16px\">");
    for (SweepView.AxisCounts a : axes) {
      sb.append("<table class=\"table table-bordered table-sm\" style=\"width:auto\"")
          .append(" data-axis=\"")
          .append(esc(a.axis()))
          .append("\"><thead><tr><th>")
          .append(esc(a.axis()))
          .append("</th><th>trials</th><th>running</th><th>finished</th><th>diverged</th>")
          .append("<th>failed</th></tr></thead><tbody>");
      for (SweepView.ValueCounts c : a.values()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "<tr><td>%s</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td></tr>",
                esc(c.value()),
                c.trials(),
                c.running(),
                c.finished(),
                c.diverged(),
                c.failed()));
      }
      sb.append("</tbody></table>");
    }
    sb.append("</div>");
  }

  /** Where the page stands ("showing 1-100 of 10,000"), links to its neighbours and the filters. */
  private static void pager(StringBuilder sb, SweepView v, boolean noRefresh) {
    SweepView.Page p = v.page();
    int from = Math.min(p.matched(), p.offset() + 1);
    int to = Math.min(p.matched(), p.offset() + v.trials().size());
    sb.append("<p id=\"sweep-page\" data-matched=\"")
        .append(p.matched())
        .append("\" data-shown=\"")
        .append(v.trials().size())
        .append("\">")
        .append(
            String.format(
                Locale.ROOT,
                "showing %,d&ndash;%,d of %,d%s (sorted by %s%s)",
                from,
                to,
                p.matched(),
                p.matched() < p.total()
                    ? String.format(Locale.ROOT, " matching, %,d in all", p.total())
                    : "",
                p.sort(),
                p.descending() ? ", descending" : ""));
    if (p.offset() > 0) {
      sb.append(" &middot; <a id=\"sweep-prev\" href=\"")
          .append(
              esc(
                  link(
                      p, Math.max(0, p.offset() - p.limit()), p.sort(), p.descending(), noRefresh)))
          .append("\">previous</a>");
    }
    if (p.offset() + p.limit() < p.matched()) {
      sb.append(" &middot; <a id=\"sweep-next\" href=\"")
          .append(esc(link(p, p.offset() + p.limit(), p.sort(), p.descending(), noRefresh)))
          .append("\">next</a>");
    }
    sb.append("</p>");
    sb.append("<form id=\"sweep-filter\" method=\"get\">status <select name=\"status\">")
        .append("<option value=\"\">any</option>");
    for (LiveStatus s : LiveStatus.values()) {
      boolean selected = p.status().size() == 1 && p.status().get(0).equals(s.label());
      sb.append("<option")
          .append(selected ? " selected" : "")
          .append(">")
          .append(s.label())
          .append("</option>");
    }
    sb.append("</select> filter <input name=\"q\" value=\"")
        .append(esc(p.q()))
        .append("\" placeholder=\"id, width=64, depth=4, tokens=...\">")
        .append("<input type=\"hidden\" name=\"sort\" value=\"")
        .append(p.descending() ? "-" : "")
        .append(esc(p.sort()))
        .append("\">");
    if (p.limit() != SweepQuery.DEFAULT_LIMIT) {
      sb.append("<input type=\"hidden\" name=\"limit\" value=\"").append(p.limit()).append("\">");
    }
    if (noRefresh) {
      sb.append("<input type=\"hidden\" name=\"refresh\" value=\"0\">");
    }
    sb.append(" <button type=\"submit\">show</button></form>");
  }

  /** The page's address (relative) at {@code offset}, sorted by {@code sort}, filters kept. */
  static String link(SweepView.Page p, int offset, String sort, boolean desc, boolean noRefresh) {
    StringBuilder q = new StringBuilder("?offset=").append(offset);
    if (p.limit() != SweepQuery.DEFAULT_LIMIT) {
      q.append("&limit=").append(p.limit());
    }
    if (!sort.equals("plan") || desc) {
      q.append("&sort=").append(desc ? "-" : "").append(sort);
    }
    if (!p.status().isEmpty()) {
      q.append("&status=").append(String.join(",", p.status()));
    }
    if (!p.q().isEmpty()) {
      q.append("&q=").append(URLEncoder.encode(p.q(), StandardCharsets.UTF_8));
    }
    if (noRefresh) {
      q.append("&refresh=0");
    }
    return q.toString();
  }

  /** The chart script's path beside the page ({@code /sweep/charts.js}). */
  static final String SCRIPT = "charts.js";

  /** Curves above which the page's chart is crowded: it then draws half the points, lines only. */
  static final int CROWDED = 50;

  /**
   * Training-loss curves against tokens (log axis), held-out losses as points whose tooltip names
   * the trial, drawn by the report's chart script ({@link ChartHtml}); a sentence before any point
   * exists. Above {@value #CROWDED} curves the chart draws every other point of each and no
   * held-out points, so that the page renders in well under a second at {@value
   * SweepModel#MAX_CURVES} curves.
   */
  static String chart(SweepView.Curves curves) {
    Chart c =
        Chart.of("Learning curves", Axis.log("training tokens"), Axis.log("loss (nats/token)"));
    boolean crowded = curves.series().size() > CROWDED;
    for (SweepView.CurveSeries t : curves.series()) {
      List<Point> train = new ArrayList<>();
      List<Point> eval = new ArrayList<>();
      int n = t.tokensAt().size();
      // A crowded chart draws every other point (the last kept) and no held-out points.
      int stride = crowded ? 2 : 1;
      for (int i = 0; i < n; i++) {
        if (i % stride != 0 && i != n - 1) {
          continue;
        }
        long tokens = t.tokensAt().get(i);
        Double trainLoss = t.trainLoss().get(i);
        Double evalLoss = t.evalLoss().get(i);
        if (tokens <= 0) {
          continue;
        }
        if (trainLoss != null && trainLoss > 0) {
          train.add(Point.of(tokens, trainLoss));
        }
        if (evalLoss != null && evalLoss > 0 && !crowded) {
          eval.add(
              new Point(
                  tokens,
                  evalLoss,
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
                      String.valueOf(t.stepsAt().get(i)),
                      "held-out loss",
                      String.format(Locale.ROOT, "%.4f", evalLoss))));
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
