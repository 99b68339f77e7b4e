package dev.scaling.driver.report;

import static dev.scaling.driver.report.ReportWriter.esc;
import static dev.scaling.driver.report.ReportWriter.fmt;

import dev.scaling.common.hparams.HparamsCell;
import dev.scaling.common.hparams.HparamsEstimate;
import dev.scaling.common.hparams.HparamsFit;
import dev.scaling.common.hparams.HparamsLaw;
import dev.scaling.common.hparams.HparamsRun;
import dev.scaling.driver.report.chart.Axis;
import dev.scaling.driver.report.chart.Chart;
import dev.scaling.driver.report.chart.ChartHtml;
import dev.scaling.driver.report.chart.Point;
import dev.scaling.driver.report.chart.Series;
import dev.scaling.driver.report.chart.Style;
import dev.scaling.driver.report.chart.Tip;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report's "Hyperparameters" section: the fitted laws lr*(N, D) and B*(D) with intervals next
 * to StepLaw's published values, each (N, D) cell's best run, and plots of the kept runs with the
 * laws through them (interactive charts). Also the whole page {@code ./sweep fit --form hparams}
 * writes.
 */
public final class HparamsSection {
  private HparamsSection() {}

  /** At most this many series (values of D, or of N) per plot. */
  private static final int MAX_SERIES = 8;

  /** StepLaw's published laws (Li et al. 2025), set beside the fitted ones. */
  private static final Map<String, Double> STEPLAW =
      Map.of("lr_c", 1.79, "lr_a_N", -0.713, "lr_b_D", 0.307, "bs_c", 0.58, "bs_e_D", 0.571);

  /** The law as text, e.g. {@code lr*(N, D) = 1.79 N^-0.713 D^0.307}. */
  public static String formula(String name, HparamsLaw law) {
    StringBuilder s = new StringBuilder(name).append(" = ").append(fmt(law.c().estimate()));
    if (law.nExponent() != null) {
      s.append(String.format(Locale.ROOT, " N^%.3f", law.nExponent().estimate()));
    }
    s.append(String.format(Locale.ROOT, " D^%.3f", law.dExponent().estimate()));
    return s.toString();
  }

  /** A share as a percentage without trailing zeros: 0.0025 as {@code 0.25%}. */
  public static String percent(double share) {
    return new java.math.BigDecimal(String.format(Locale.ROOT, "%.6g", 100 * share))
            .stripTrailingZeros()
            .toPlainString()
        + "%";
  }

  /** The batch law's name: B*(D), or B*(N, D) when it depends on N. */
  public static String batchName(HparamsLaw batch) {
    return batch.nExponent() == null ? "B*(D)" : "B*(N, D)";
  }

  /** A whole HTML page holding only this section, for {@code ./sweep fit --form hparams}. */
  public static String page(HparamsFit fit, List<String> notes) {
    return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Hyperparameter laws</title>"
        + ChartHtml.script()
        + "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
        + "text-align:right}th{background:#f3f3f3}.warn{background:#fff3cd;padding:8px;margin:4px 0}"
        + "</style></head><body>"
        + html(fit, notes)
        + "</body></html>\n";
  }

  /** The section: an {@code <h2>} and what follows it. */
  public static String html(HparamsFit fit, List<String> notes) {
    StringBuilder h = new StringBuilder("<h2>Hyperparameters</h2>");
    h.append(
        String.format(
            Locale.ROOT,
            "<p>Per (N, D) cell, the runs whose final loss (smoothed loss where given) is within"
                + " %s of the cell's best count as optimal (StepLaw's rule); least squares over"
                + " the %d kept runs of %d cells (%d runs in all) fit log lr* = c + a log N + b log"
                + " D and log B* = c' + %se log D (natural logarithms, B in tokens per optimizer"
                + " step). %s</p>",
            percent(fit.options().tolerance()),
            fit.runsKept(),
            fit.cells().size(),
            fit.runs(),
            fit.options().batchOn().hasN() ? "f log N + " : "",
            fit.options().bootstrap() == 0
                ? "No bootstrap: no intervals."
                : String.format(
                    Locale.ROOT,
                    "Intervals: %.0f%% percentile intervals of %d resamples of whole cells with"
                        + " their runs.",
                    100 * fit.options().confidence(),
                    fit.options().bootstrap())));
    for (String note : notes) {
      h.append("<p class=\"warn\">").append(esc(note)).append("</p>");
    }
    if (fit.degenerateResamples() > 0) {
      h.append(
          String.format(
              Locale.ROOT,
              "<p class=\"warn\">%d of %d resamples drew cells that do not identify the laws (for"
                  + " example one N only) and are left out of the intervals.</p>",
              fit.degenerateResamples(),
              fit.options().bootstrap()));
    }
    h.append("<p><b>")
        .append(esc(formula("lr*(N, D)", fit.lr())))
        .append("</b>, <b>")
        .append(esc(formula(batchName(fit.batch()), fit.batch())))
        .append("</b> tokens</p>");
    h.append("<table><tr><th>parameter</th><th>estimate</th><th>interval</th>")
        .append("<th>StepLaw (Li et al. 2025)</th></tr>");
    for (HparamsEstimate e : fit.parameters()) {
      Double published = STEPLAW.get(e.name());
      h.append("<tr><td>")
          .append(e.name())
          .append("</td><td>")
          .append(fmt(e.estimate()))
          .append("</td><td>")
          .append(
              e.ci() == null
                  ? ""
                  : String.format(Locale.ROOT, "[%s, %s]", fmt(e.ci().lo()), fmt(e.ci().hi())))
          .append("</td><td>")
          .append(published == null ? "" : fmt(published))
          .append("</td></tr>");
    }
    h.append("</table>");
    h.append(
        "<p>StepLaw's laws come from about 3700 dense and MoE runs up to 1B parameters and 100B"
            + " tokens: lr* = 1.79 N<sup>-0.713</sup> D<sup>0.307</sup>, B* = 0.58"
            + " D<sup>0.571</sup> tokens. DeepSeek LLM (2024) fits the same optima in compute"
            + " instead (runs within 0.25% of the best): B<sub>opt</sub> = 0.2920"
            + " C<sup>0.3271</sup>, &eta;<sub>opt</sub> = 0.3118 C<sup>-0.1250</sup> (C in FLOPs)."
            + " Small models, short runs and coarse grids move the constants; the signs (lr* falls"
            + " with N, B* grows with D) are what transfers.</p>");
    h.append("<table><tr><th>N</th><th>D</th><th>runs</th><th>kept</th><th>best run</th>")
        .append("<th>lr</th><th>batch tokens</th><th>loss</th><th>lr* (law)</th>")
        .append("<th>B* (law)</th></tr>");
    for (HparamsCell c : fit.cells()) {
      HparamsRun b = c.best();
      h.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%s</td><td>%s</td><td>%s</td>"
                  + "<td>%.4f</td><td>%s</td><td>%s</td></tr>",
              fmt(c.n()),
              fmt(c.d()),
              c.runs().size(),
              c.kept().size(),
              esc(b.id()),
              fmt(b.lr()),
              fmt(b.batchTokens()),
              b.rankLoss(),
              fmt(fit.lr().predict(c.n(), c.d())),
              fmt(fit.batch().predict(c.n(), c.d()))));
    }
    h.append("</table>");
    h.append(ChartHtml.div(lrChart(fit)));
    h.append(ChartHtml.div(batchChart(fit)));
    return h.toString();
  }

  /** The kept runs' learning rates against N, one series per D, with the law at that D. */
  private static Chart lrChart(HparamsFit fit) {
    Chart c =
        Chart.of(
            "Optimal learning rate: kept runs' learning rates vs N, per D, and lr*(N, D)",
            Axis.log("N (parameters)"),
            Axis.log("lr"));
    Map<Double, List<HparamsCell>> byD = new TreeMap<>();
    fit.cells().forEach(cell -> byD.computeIfAbsent(cell.d(), k -> new ArrayList<>()).add(cell));
    double nLo = fit.cells().stream().mapToDouble(HparamsCell::n).min().orElseThrow();
    double nHi = fit.cells().stream().mapToDouble(HparamsCell::n).max().orElseThrow();
    return series(c, byD, fit.lr(), nLo, nHi, true);
  }

  /** The kept runs' batch sizes against D, with the law (per N when it depends on N). */
  private static Chart batchChart(HparamsFit fit) {
    Chart c =
        Chart.of(
            "Optimal batch size: kept runs' batch sizes vs D, and B*",
            Axis.log("D (tokens)"),
            Axis.log("batch (tokens per step)"));
    Map<Double, List<HparamsCell>> groups = new TreeMap<>();
    boolean perN = fit.batch().nExponent() != null;
    fit.cells()
        .forEach(
            cell ->
                groups.computeIfAbsent(perN ? cell.n() : 0.0, k -> new ArrayList<>()).add(cell));
    double dLo = fit.cells().stream().mapToDouble(HparamsCell::d).min().orElseThrow();
    double dHi = fit.cells().stream().mapToDouble(HparamsCell::d).max().orElseThrow();
    return series(c, groups, fit.batch(), dLo, dHi, false);
  }

  /**
   * One scatter of kept runs and one law line per group (a D for the learning-rate plot, an N for
   * the batch plot, or the single group 0 of a batch law on D alone), at most {@link #MAX_SERIES}.
   */
  private static Chart series(
      Chart c,
      Map<Double, List<HparamsCell>> groups,
      HparamsLaw law,
      double lo,
      double hi,
      boolean lrOverN) {
    List<Double> keys = new ArrayList<>(groups.keySet());
    if (keys.size() > MAX_SERIES) {
      List<Double> picked = new ArrayList<>();
      for (int i = 0; i < MAX_SERIES; i++) {
        picked.add(keys.get((int) Math.round(i * (keys.size() - 1) / (MAX_SERIES - 1.0))));
      }
      keys = picked;
    }
    for (double key : keys) {
      List<HparamsRun> kept = groups.get(key).stream().flatMap(x -> x.kept().stream()).toList();
      String name = lrOverN ? "D=" + fmt(key) : key == 0 ? "kept runs" : "N=" + fmt(key);
      List<Point> pts = new ArrayList<>();
      for (HparamsRun r : kept) {
        pts.add(
            new Point(
                lrOverN ? r.n() : r.d(),
                lrOverN ? r.lr() : r.batchTokens(),
                Double.NaN,
                Tip.of(
                    r.id(),
                    "N",
                    fmt(r.n()),
                    "D",
                    fmt(r.d()),
                    "lr",
                    fmt(r.lr()),
                    "batch tokens",
                    fmt(r.batchTokens()),
                    "loss",
                    String.format(Locale.ROOT, "%.4f", r.rankLoss()))));
      }
      c = c.with(new Series(name, Style.POINTS, pts));
      int points = 40;
      double[] xs = new double[points];
      double[] ys = new double[points];
      double from = lo == hi ? lo / 2 : lo;
      double to = lo == hi ? hi * 2 : hi;
      for (int i = 0; i < points; i++) {
        xs[i] = from * Math.pow(to / from, i / (points - 1.0));
        ys[i] = lrOverN ? law.predict(xs[i], key) : law.predict(key == 0 ? 1 : key, xs[i]);
      }
      c = c.with(Series.of(name, Style.LINE, xs, ys));
    }
    return c;
  }
}
