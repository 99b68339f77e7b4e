package dev.scaling.driver.report;

import dev.scaling.common.curve.Curve;
import dev.scaling.common.curve.CurveAccuracy;
import dev.scaling.common.curve.CurveFit;
import dev.scaling.common.curve.CurveFitOptions;
import dev.scaling.common.curve.CurveLaw;
import dev.scaling.common.fit.Interval;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes {@code report/curves.html} of {@code ./sweep fit --curves}: a self-contained page (PNG
 * charts inline, as {@link ReportWriter} draws them) with the law and what it was fitted on, a
 * table of each run's prediction errors with the mean over predicted runs, the parameters with
 * their intervals and meanings, one chart per run (the logged loss, the prediction with its
 * bootstrap band, the learning rate on a second axis; training and predicted runs marked) and the
 * relative error of every predicted run along its steps.
 */
public final class CurveReportWriter {
  /** The page's file name under {@code report/}. */
  public static final String FILE = "curves.html";

  /** Runs beyond this many get no chart of their own (the error table still lists them). */
  static final int MAX_CHARTS = 60;

  private static final int W = 760;
  private static final int H = 400;
  private static final Color OBSERVED = new Color(40, 40, 40);
  private static final Color TRAIN = new Color(31, 119, 180);
  private static final Color PREDICT = new Color(214, 39, 40);
  private static final Color LR = new Color(150, 150, 150);

  private CurveReportWriter() {}

  /** Writes the page to {@code file} (its folder created) and returns it. */
  public static Path write(CurveEvaluation e, CurveFitOptions options, Path file) {
    System.setProperty("java.awt.headless", "true");
    CurveFit fit = e.fit();
    CurveLaw law = fit.form().law();
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Learning-curve law: ")
        .append(fit.form().label())
        .append("</title><style>")
        .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;")
        .append("padding:4px 8px;text-align:right}th{background:#f3f3f3}td.l{text-align:left}")
        .append(".warn{background:#fff3cd;padding:8px;margin:4px 0}")
        .append(".train{color:#1f77b4;font-weight:bold}.predict{color:#d62728;font-weight:bold}")
        .append("tr.mean td{font-weight:bold;border-top:2px solid #888}")
        .append("img{max-width:100%}</style></head><body>");
    html.append("<h1>Learning-curve law: ").append(ReportWriter.esc(fit.form().label()));
    html.append("</h1>");
    html.append("<p>Curves: <code>")
        .append(ReportWriter.esc(e.source()))
        .append("</code>, loss column <code>")
        .append(ReportWriter.esc(e.lossColumn()))
        .append("</code>.</p>");
    if (e.given()) {
      html.append("<p>Parameters <b>given</b> (--params), not fitted here")
          .append(
              e.runs().stream().anyMatch(CurvePrediction::trainedOn)
                  ? ": the runs named by --train (those the parameters were fitted on) are marked"
                      + " train and do not count in the mean over predicted runs.</p>"
                  : ": every run is a prediction.</p>");
    } else {
      html.append(
          String.format(
              Locale.ROOT,
              "<p>Fitted on <span class=\"train\">%d training runs</span> (%s), %d logged losses:"
                  + " Huber loss on log residuals with delta %s, objective %s, %s; %d bootstrap"
                  + " resamples of the training runs (whole runs) for the %d%% intervals.</p>",
              fit.trainRuns().size(),
              ReportWriter.esc(String.join(", ", fit.trainRuns())),
              fit.points(),
              ReportWriter.fmt(options.huberDelta()),
              ReportWriter.fmt(fit.objective()),
              fit.converged() ? "converged" : "<b>not converged</b>",
              fit.draws().size(),
              Math.round(options.confidence() * 100)));
      if (!fit.converged()) {
        html.append(
            "<p class=\"warn\">The optimiser did not meet its tolerance: the parameters may not"
                + " be the law's best fit to these runs.</p>");
      }
    }
    for (String note : e.notes()) {
      html.append("<p class=\"warn\">").append(ReportWriter.esc(note)).append("</p>");
    }
    html.append(errorTable(e));
    html.append(parameterTable(fit, law, options));
    html.append("<h2>Curves</h2>");
    html.append(
        "<p>Logged loss (black dots), the law's prediction (blue on training runs, red on"
            + " predicted runs; dashed: the bootstrap band) and the learning rate (grey, right"
            + " axis).</p>");
    int drawn = 0;
    for (CurvePrediction r : e.runs()) {
      if (drawn++ == MAX_CHARTS) {
        html.append("<p class=\"warn\">")
            .append(e.runs().size() - MAX_CHARTS)
            .append(" more runs are not drawn; the table above and curve_predictions hold them.")
            .append("</p>");
        break;
      }
      html.append(ReportWriter.img(runChart(r), r.run() + " (" + roleWords(r) + ")"));
    }
    if (e.predicted().stream().anyMatch(r -> r.accuracy().points() > 0)) {
      html.append(ReportWriter.img(errorChart(e), "Relative error of the predicted runs"));
    }
    html.append("</body></html>\n");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, html, StandardCharsets.UTF_8);
      return file;
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write " + file, ex);
    }
  }

  private static String roleWords(CurvePrediction r) {
    return r.trainedOn() && r.predicted()
        ? "training run, predicted in-sample"
        : r.trainedOn() ? "training run" : "predicted, not trained on";
  }

  private static String errorTable(CurveEvaluation e) {
    StringBuilder s = new StringBuilder("<h2>Prediction errors</h2>");
    s.append(
        "<p>Relative error |predicted - loss| / loss over each run's logged losses; R^2 of the"
            + " losses.</p>");
    s.append(
        "<table><tr><th>run</th><th>role</th><th>logged losses</th><th>mean relative error</th>"
            + "<th>worst relative error</th><th>R^2</th></tr>");
    for (CurvePrediction r : e.runs()) {
      CurveAccuracy a = r.accuracy();
      s.append("<tr><td class=\"l\">")
          .append(ReportWriter.esc(r.run()))
          .append("</td><td class=\"l\"><span class=\"")
          .append(r.predicted() ? "predict" : "train")
          .append("\">")
          .append(r.role())
          .append("</span></td><td>")
          .append(a.points())
          .append("</td><td>")
          .append(percent(a.meanRelativeError()))
          .append("</td><td>")
          .append(percent(a.worstRelativeError()))
          .append("</td><td>")
          .append(Double.isNaN(a.r2()) ? "" : String.format(Locale.ROOT, "%.5f", a.r2()))
          .append("</td></tr>");
    }
    CurveEvaluation.Mean m = e.mean();
    s.append("<tr class=\"mean\"><td class=\"l\" colspan=\"2\">mean over ")
        .append(m.runs())
        .append(" predicted runs</td><td></td><td>")
        .append(percent(m.meanRelativeError()))
        .append("</td><td>")
        .append(percent(m.worstRelativeError()))
        .append("</td><td>")
        .append(Double.isNaN(m.meanR2()) ? "" : String.format(Locale.ROOT, "%.5f", m.meanR2()))
        .append("</td></tr></table>");
    return s.toString();
  }

  private static String parameterTable(CurveFit fit, CurveLaw law, CurveFitOptions options) {
    boolean ci = !fit.intervals().isEmpty();
    StringBuilder s = new StringBuilder("<h2>Parameters</h2><table><tr><th>parameter</th>");
    s.append("<th>value</th>");
    if (ci) {
      s.append("<th>")
          .append(Math.round(options.confidence() * 100))
          .append("% interval, low</th><th>high</th>");
    }
    s.append("<th>meaning</th></tr>");
    parameterRows(s, fit, null, ci);
    return s.append("</table>").toString();
  }

  /**
   * One table row per parameter of {@code fit}: the law's label (when {@code law} is not null), the
   * name, the value, the interval's ends (when {@code intervals}; empty cells for a fit without
   * them) and the meaning, led by the {@link #caveat} of an interval that spans more than a decade.
   * The rows of this page's parameter table and of the sweep report's Curves section.
   */
  static void parameterRows(StringBuilder s, CurveFit fit, String law, boolean intervals) {
    List<String> names = fit.form().law().parameterNames();
    List<String> meanings = fit.form().law().parameterMeanings();
    double[] p = fit.params();
    for (int k = 0; k < names.size(); k++) {
      s.append("<tr>");
      if (law != null) {
        s.append("<td>").append(ReportWriter.esc(law)).append("</td>");
      }
      s.append("<td style=\"text-align:left\">")
          .append(ReportWriter.esc(names.get(k)))
          .append("</td><td>")
          .append(ReportWriter.fmt(p[k]))
          .append("</td>");
      Interval i = fit.intervals().isEmpty() ? null : fit.intervals().get(k);
      if (intervals) {
        s.append("<td>")
            .append(i == null ? "" : ReportWriter.fmt(i.lo()))
            .append("</td><td>")
            .append(i == null ? "" : ReportWriter.fmt(i.hi()))
            .append("</td>");
      }
      String caveat = caveat(i);
      s.append("<td style=\"text-align:left\">")
          .append(caveat == null ? "" : "<span class=\"warn\">" + caveat + "</span> ")
          .append(k < meanings.size() ? ReportWriter.esc(meanings.get(k)) : "")
          .append("</td></tr>");
    }
  }

  /**
   * Why a parameter's interval should not be read as a measurement, or null: an interval of a
   * positive parameter spanning more than a decade means the runs fitted on do not pin it down
   * (other parameters trade off against it), whatever its point value.
   */
  public static String caveat(Interval ci) {
    if (ci == null || !(ci.lo() > 0) || ci.hi() <= 10 * ci.lo()) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "spans %.1f decades: not pinned down by these runs",
        Math.log10(ci.hi() / ci.lo()));
  }

  private static XYChart runChart(CurvePrediction r) {
    Curve c = r.curve();
    CurveAccuracy a = r.accuracy();
    String title =
        r.run()
            + " ("
            + (r.predicted() && !r.trainedOn() ? "predicted" : "training run")
            + (a.points() > 0 ? ", mean rel. error " + percent(a.meanRelativeError()) : "")
            + ")";
    XYChart chart = new XYChartBuilder().width(W).height(H).title(title).xAxisTitle("step").build();
    chart.setYAxisGroupTitle(0, "loss");
    chart.setYAxisGroupTitle(1, "learning rate");
    chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setMarkerSize(3);
    Color color = r.trainedOn() ? TRAIN : PREDICT;
    double[] predicted = r.loss();
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    long firstLogged = -1;
    List<double[]> obs = points(c.steps(), c.loss(), Long.MIN_VALUE);
    for (double[] xy : obs) {
      lo = Math.min(lo, xy[1]);
      hi = Math.max(hi, xy[1]);
      firstLogged = firstLogged < 0 ? (long) xy[0] : firstLogged;
    }
    // Before the first logged loss (warmup from lr 0) the law may shoot up; the axis shows the
    // logged range (or, with none logged, the later half of the prediction).
    long from = firstLogged >= 0 ? firstLogged : c.steps()[c.steps().length / 2];
    List<double[]> pred = points(c.steps(), predicted, from);
    if (obs.isEmpty()) {
      for (double[] xy : pred) {
        lo = Math.min(lo, xy[1]);
        hi = Math.max(hi, xy[1]);
      }
    }
    if (!obs.isEmpty()) {
      XYSeries s = chart.addSeries("logged loss", xs(obs), ys(obs));
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarker(SeriesMarkers.CIRCLE);
      s.setMarkerColor(OBSERVED);
    }
    if (!pred.isEmpty()) {
      XYSeries s = chart.addSeries("prediction", xs(pred), ys(pred));
      s.setMarker(SeriesMarkers.NONE);
      s.setLineColor(color);
      s.setLineWidth(2f);
    }
    double[] low = r.low();
    double[] high = r.high();
    if (low != null) {
      List<double[]> l = points(c.steps(), low, from);
      List<double[]> h = points(c.steps(), high, from);
      if (!l.isEmpty() && !h.isEmpty()) {
        band(chart, "bootstrap band", l, color, true);
        band(chart, "bootstrap band, high", h, color, false);
      }
    }
    List<double[]> rate = new ArrayList<>();
    for (int i = 0; i < c.steps().length; i++) {
      rate.add(new double[] {c.steps()[i], c.lr()[i]});
    }
    XYSeries s = chart.addSeries("learning rate", xs(rate), ys(rate));
    s.setYAxisGroup(1);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(LR);
    s.setLineStyle(new BasicStroke(1f));
    if (Double.isFinite(lo) && Double.isFinite(hi)) {
      double pad = Math.max((hi - lo) * 0.05, 1e-6 * Math.abs(hi));
      chart.getStyler().setYAxisMin(0, lo - pad);
      chart.getStyler().setYAxisMax(0, hi + pad);
    }
    chart.getStyler().setYAxisMin(1, 0.0);
    return chart;
  }

  private static void band(
      XYChart chart, String name, List<double[]> pts, Color c, boolean legend) {
    XYSeries s = chart.addSeries(name, xs(pts), ys(pts));
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(c);
    s.setLineStyle(SeriesLines.DASH_DASH);
    s.setShowInLegend(legend);
  }

  private static XYChart errorChart(CurveEvaluation e) {
    XYChart chart =
        new XYChartBuilder()
            .width(W)
            .height(H)
            .title("Relative error (predicted - loss) / loss of the predicted runs")
            .xAxisTitle("step")
            .yAxisTitle("relative error")
            .build();
    chart.getStyler().setMarkerSize(3);
    int drawn = 0;
    for (CurvePrediction r : e.predicted()) {
      Curve c = r.curve();
      double[] p = r.loss();
      List<double[]> pts = new ArrayList<>();
      for (int i = 0; i < c.steps().length; i++) {
        double l = c.loss()[i];
        if (!Double.isNaN(l) && Double.isFinite(p[i])) {
          pts.add(new double[] {c.steps()[i], (p[i] - l) / l});
        }
      }
      if (pts.isEmpty() || drawn++ >= MAX_CHARTS) {
        continue;
      }
      XYSeries s = chart.addSeries(r.run(), xs(pts), ys(pts));
      s.setMarker(SeriesMarkers.NONE);
    }
    chart.getStyler().setLegendVisible(drawn <= 12);
    return chart;
  }

  /** (step, value) for the rows at or after {@code from} whose value is finite. */
  private static List<double[]> points(long[] steps, double[] values, long from) {
    List<double[]> out = new ArrayList<>();
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] >= from && Double.isFinite(values[i])) {
        out.add(new double[] {steps[i], values[i]});
      }
    }
    return out;
  }

  private static double[] xs(List<double[]> pts) {
    return pts.stream().mapToDouble(p -> p[0]).toArray();
  }

  private static double[] ys(List<double[]> pts) {
    return pts.stream().mapToDouble(p -> p[1]).toArray();
  }

  private static String percent(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f%%", 100 * v);
  }
}
