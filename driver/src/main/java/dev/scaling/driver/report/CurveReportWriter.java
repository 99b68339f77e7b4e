package dev.scaling.driver.report;

import dev.scaling.common.curve.Curve;
import dev.scaling.common.curve.CurveAccuracy;
import dev.scaling.common.curve.CurveFit;
import dev.scaling.common.curve.CurveFitOptions;
import dev.scaling.common.curve.CurveLaw;
import dev.scaling.common.fit.Interval;
import dev.scaling.driver.report.chart.Axis;
import dev.scaling.driver.report.chart.Band;
import dev.scaling.driver.report.chart.Chart;
import dev.scaling.driver.report.chart.ChartHtml;
import dev.scaling.driver.report.chart.Series;
import dev.scaling.driver.report.chart.Style;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Writes {@code report/curves.html} of {@code ./sweep fit --curves}: a self-contained page
 * (interactive charts, their script inlined, as {@link ReportWriter} draws them) with the law and
 * what it was fitted on, a table of each run's prediction errors with the mean over predicted runs,
 * the parameters with their intervals and meanings, one chart per run (the logged loss, the
 * prediction with its bootstrap band shaded; training and predicted runs marked), the runs'
 * learning-rate schedules, and the relative error of every predicted run along its steps.
 */
public final class CurveReportWriter {
  /** The page's file name under {@code report/}. */
  public static final String FILE = "curves.html";

  /** Runs beyond this many get no chart of their own (the error table still lists them). */
  static final int MAX_CHARTS = 60;

  private CurveReportWriter() {}

  /** Writes the page to {@code file} (its folder created) and returns it. */
  public static Path write(CurveEvaluation e, CurveFitOptions options, Path file) {
    CurveFit fit = e.fit();
    CurveLaw law = fit.form().law();
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Learning-curve law: ")
        .append(fit.form().label())
        .append("</title>")
        .append(ChartHtml.script())
        .append("<style>")
        .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;")
        .append("padding:4px 8px;text-align:right}th{background:#f3f3f3}td.l{text-align:left}")
        .append(".warn{background:#fff3cd;padding:8px;margin:4px 0}")
        .append(".train{color:#1f77b4;font-weight:bold}.predict{color:#d62728;font-weight:bold}")
        .append("tr.mean td{font-weight:bold;border-top:2px solid #888}")
        .append("</style></head><body>");
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
        "<p>Logged loss (points) and the law's prediction (line; shaded: the bootstrap band) per"
            + " run, titled training run or predicted; the learning-rate schedules follow.</p>");
    int drawn = 0;
    for (CurvePrediction r : e.runs()) {
      if (drawn++ == MAX_CHARTS) {
        html.append("<p class=\"warn\">")
            .append(e.runs().size() - MAX_CHARTS)
            .append(" more runs are not drawn; the table above and curve_predictions hold them.")
            .append("</p>");
        break;
      }
      html.append(ChartHtml.div(runChart(r)));
    }
    html.append(ChartHtml.div(rateChart(e)));
    if (e.predicted().stream().anyMatch(r -> r.accuracy().points() > 0)) {
      html.append(ChartHtml.div(errorChart(e)));
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

  private static Chart runChart(CurvePrediction r) {
    Curve c = r.curve();
    CurveAccuracy a = r.accuracy();
    String title =
        r.run()
            + " ("
            + (r.predicted() && !r.trainedOn() ? "predicted" : "training run")
            + (a.points() > 0 ? ", mean rel. error " + percent(a.meanRelativeError()) : "")
            + ")";
    Chart chart = Chart.of(title, Axis.linear("step"), Axis.linear("loss (nats/token)"));
    long firstLogged = -1;
    List<double[]> obs = points(c.steps(), c.loss(), Long.MIN_VALUE);
    for (double[] xy : obs) {
      firstLogged = firstLogged < 0 ? (long) xy[0] : firstLogged;
    }
    // Before the first logged loss (warmup from lr 0) the law may shoot up: drawn from there (or,
    // with none logged, over the later half of the prediction).
    long from = firstLogged >= 0 ? firstLogged : c.steps()[c.steps().length / 2];
    List<double[]> pred = points(c.steps(), r.loss(), from);
    if (!obs.isEmpty()) {
      chart = chart.with(Series.of("logged loss", Style.POINTS, xs(obs), ys(obs)));
    }
    String name = r.trainedOn() ? "prediction (training run)" : "prediction";
    if (!pred.isEmpty()) {
      chart = chart.with(Series.of(name, Style.LINE, xs(pred), ys(pred)));
    }
    double[] low = r.low();
    double[] high = r.high();
    if (low != null && high != null) {
      List<Double> x = new ArrayList<>();
      List<Double> lo = new ArrayList<>();
      List<Double> hi = new ArrayList<>();
      for (int i = 0; i < c.steps().length; i++) {
        if (c.steps()[i] >= from && Double.isFinite(low[i]) && Double.isFinite(high[i])) {
          x.add((double) c.steps()[i]);
          lo.add(low[i]);
          hi.add(high[i]);
        }
      }
      if (!x.isEmpty()) {
        chart =
            chart.with(
                new Band(
                    name,
                    x.stream().mapToDouble(Double::doubleValue).toArray(),
                    lo.stream().mapToDouble(Double::doubleValue).toArray(),
                    hi.stream().mapToDouble(Double::doubleValue).toArray()));
      }
    }
    return chart;
  }

  /** Every drawn run's learning rate against step. */
  private static Chart rateChart(CurveEvaluation e) {
    Chart chart =
        Chart.of("Learning-rate schedules of the runs", Axis.linear("step"), Axis.linear("lr"));
    int drawn = 0;
    for (CurvePrediction r : e.runs()) {
      if (drawn++ == MAX_CHARTS) {
        break;
      }
      Curve c = r.curve();
      chart =
          chart.with(
              Series.of(
                  r.run(),
                  Style.LINE,
                  Arrays.stream(c.steps()).asDoubleStream().toArray(),
                  c.lr()));
    }
    return chart;
  }

  private static Chart errorChart(CurveEvaluation e) {
    Chart chart =
        Chart.of(
            "Relative error (predicted - loss) / loss of the predicted runs",
            Axis.linear("step"),
            Axis.linear("relative error"));
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
      chart = chart.with(Series.of(r.run(), Style.LINE, xs(pts), ys(pts)));
    }
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
