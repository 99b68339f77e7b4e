package dev.scaling.driver.report;

import dev.scaling.common.fit.Allocation;
import dev.scaling.common.fit.AllocationStudy;
import dev.scaling.common.fit.BootstrapResult;
import dev.scaling.common.fit.ComputeOptimal;
import dev.scaling.common.fit.DesignCheck;
import dev.scaling.common.fit.FitResult;
import dev.scaling.common.fit.IdentifiabilityWarning;
import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.LawFit;
import dev.scaling.common.fit.ScalingAnalysis;
import dev.scaling.driver.predict.BranchPredictions;
import dev.scaling.driver.report.chart.Chart;
import dev.scaling.driver.report.chart.ChartHtml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code OUT/report/index.html}: one self-contained page (interactive charts, their script
 * inlined, so it opens from disk with no network) with the data, the fitted laws side by side,
 * their bootstrap intervals, the backtest, identifiability warnings, excluded-row notes and, on
 * synthetic data, the true entropy floor beside the fitted E. The charts follow the sweep's design
 * ({@link ReportCharts}).
 */
public final class ReportWriter {
  private ReportWriter() {}

  /**
   * Writes the report under {@code outDir/report} and returns the path of {@code index.html}: the
   * data, the fits, and with what the run knows beside its rows the source's floor and designed
   * exponents (a "Ground truth" section) and the evaluation noise (an "Evaluation noise" section
   * that checks the loss falls along each axis by more than it), and the section "Best learning
   * rate vs N" when {@code learningRates} is not null (a sweep with a learning-rate axis).
   *
   * @param analysis the fitted laws
   * @param study the compute-optimal approaches side by side, with the design checks
   * @param rows the rows fitted, with trial ids when known
   * @param curves learning curves, empty when fitting a plain table
   * @param facts what the run knows beside its rows, each part null where unknown
   * @param notes sentences about excluded or dropped rows
   * @param learningRates the learning rate transfer, null without a learning-rate axis
   * @param outDir the sweep or fit output folder
   */
  public static Path write(
      ScalingAnalysis analysis,
      AllocationStudy study,
      List<TrialPoint> rows,
      List<CurveSample> curves,
      SweepFacts facts,
      List<String> notes,
      LearningRateTransfer learningRates,
      Path outDir) {
    return write(analysis, study, rows, curves, facts, notes, learningRates, null, outDir);
  }

  /**
   * As {@link #write(ScalingAnalysis, AllocationStudy, List, List, SweepFacts, List,
   * LearningRateTransfer, Path)}, with a wsd sweep's curve-law fits and predicted branches as the
   * "Curves" section ({@link CurvesSection}); {@code predictions} null for none.
   */
  public static Path write(
      ScalingAnalysis analysis,
      AllocationStudy study,
      List<TrialPoint> rows,
      List<CurveSample> curves,
      SweepFacts facts,
      List<String> notes,
      LearningRateTransfer learningRates,
      BranchPredictions predictions,
      Path outDir) {
    return write(
        analysis, study, rows, curves, facts, notes, learningRates, predictions, List.of(), outDir);
  }

  /**
   * As {@link #write(ScalingAnalysis, AllocationStudy, List, List, SweepFacts, List,
   * LearningRateTransfer, BranchPredictions, Path)}, with the sections of the studies fitted beside
   * the laws (batch size, hyperparameters), each an {@code <h2>} and its content, after the rest.
   */
  public static Path write(
      ScalingAnalysis analysis,
      AllocationStudy study,
      List<TrialPoint> rows,
      List<CurveSample> curves,
      SweepFacts facts,
      List<String> notes,
      LearningRateTransfer learningRates,
      BranchPredictions predictions,
      List<String> sections,
      Path outDir) {
    Double entropyFloor = facts.entropyFloor();
    StringBuilder html = head();
    html.append(
        String.format(
            Locale.ROOT,
            "<p>%d rows fitted, Huber delta %s, %d bootstrap resamples.</p>",
            analysis.points().size(),
            fmt(analysis.options().huberDelta()),
            analysis.options().bootstrap()));
    for (String note : notes) {
      html.append("<p class=\"warn\">").append(esc(note)).append("</p>");
    }
    for (IdentifiabilityWarning w : analysis.warnings()) {
      html.append("<p class=\"warn\"><b>Identifiability (")
          .append(w.kind().name().toLowerCase(Locale.ROOT))
          .append("):</b> ")
          .append(esc(w.message()))
          .append("</p>");
    }
    html.append(noiseSection(analysis, facts));
    html.append("<h2>Fitted laws</h2>");
    html.append(lawTable(analysis, entropyFloor));
    html.append(truthSection(analysis, facts));
    for (ScalingAnalysis.Skipped k : analysis.skipped()) {
      html.append("<p class=\"warn\"><b>")
          .append(k.form().label())
          .append(" not fitted:</b> ")
          .append(esc(k.reason()))
          .append("</p>");
    }
    html.append(backtestTable(analysis));
    html.append(
        dev.scaling.driver.report.paper.PaperFigures.of(analysis, rows, curves, facts).html());
    html.append(allocationSection(study));
    html.append(IsoflopQualitySection.html(study, facts));
    if (learningRates != null) {
      html.append(learningRateSection(learningRates));
    }
    html.append("<h2>Plots</h2>");
    html.append(
        "<p>Hover a point for its trial; click a legend entry to show that series alone (again to"
            + " show all); under each chart, save it as PNG or SVG and its data as CSV.</p>");
    for (Chart chart : ReportCharts.of(analysis, study, rows, curves, facts)) {
      html.append(ChartHtml.div(chart));
    }
    if (predictions != null && !predictions.models().isEmpty()) {
      html.append(CurvesSection.html(predictions));
    }
    for (String section : sections) {
      html.append(section);
    }
    return writeIndex(html, outDir);
  }

  /**
   * Writes a report of side-fit sections alone to {@code outDir/report/index.html}: for a sweep
   * whose rows are too few for the joint laws but whose side studies stand on their own (a
   * batch-size axis at one D). {@code notes} say why the laws are missing.
   */
  public static Path writeSections(List<String> notes, List<String> sections, Path outDir) {
    StringBuilder html = head();
    for (String note : notes) {
      html.append("<p class=\"warn\">").append(esc(note)).append("</p>");
    }
    for (String section : sections) {
      html.append(section);
    }
    return writeIndex(html, outDir);
  }

  /** The page's head (style, title and the chart script) and its heading. */
  private static StringBuilder head() {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Scaling-law fit</title>")
        .append(ChartHtml.script())
        .append("<style>")
        .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}")
        .append(
            "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;")
        .append(
            "text-align:right}th{background:#f3f3f3}.warn{background:#fff3cd;padding:8px;margin:4px 0}")
        .append("</style></head><body>");
    html.append("<h1>Scaling-law fit</h1>");
    return html;
  }

  /** Closes the page and writes it to {@code outDir/report/index.html}. */
  private static Path writeIndex(StringBuilder html, Path outDir) {
    html.append("</body></html>\n");
    Path dir = outDir.resolve("report");
    try {
      Files.createDirectories(dir);
      Path index = dir.resolve("index.html");
      Files.writeString(index, html, StandardCharsets.UTF_8);
      return index;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write report under " + dir, e);
    }
  }

  private static String lawTable(ScalingAnalysis a, Double floor) {
    StringBuilder t =
        new StringBuilder(
            "<table><tr><th>law</th><th>parameter</th><th>estimate</th>"
                + "<th>CI low</th><th>CI high</th><th>objective</th><th>rows</th><th>at bound</th></tr>");
    for (LawFit lf : a.fits()) {
      FitResult r = lf.fit();
      BootstrapResult boot = lf.bootstrap();
      for (Map.Entry<String, Double> e : r.params().named().entrySet()) {
        Interval ci = boot == null ? null : boot.get(e.getKey());
        t.append("<tr><td>")
            .append(r.form().label())
            .append("</td><td>")
            .append(e.getKey())
            .append("</td><td>")
            .append(fmt(e.getValue()))
            .append("</td>")
            .append(ciCells(r, e.getKey(), ci))
            .append("<td>")
            .append(fmt(r.objective()))
            .append("</td><td>")
            .append(r.nPoints())
            .append("</td><td>")
            .append(r.atBound().contains(e.getKey()) ? "at bound" : "")
            .append("</td></tr>");
        if (floor != null && e.getKey().equals("E")) {
          t.append("<tr><td>")
              .append(r.form().label())
              .append("</td><td>true entropy floor</td><td>")
              .append(fmt(floor))
              .append("</td><td colspan=\"5\">synthetic source</td></tr>");
        }
      }
      lf.computeOptimal()
          .ifPresent(
              o -> {
                for (ComputeOptimal.Quantity q : ComputeOptimal.Quantity.values()) {
                  Interval ci = boot == null ? null : boot.get(q);
                  t.append("<tr><td>")
                      .append(r.form().label())
                      .append("</td><td>")
                      .append(q.label())
                      .append(
                          q == ComputeOptimal.Quantity.N_OPT
                              ? " at C=" + fmt(a.optimalCompute())
                              : "")
                      .append("</td><td>")
                      .append(fmt(q.of(o, a.optimalCompute())))
                      .append("</td><td>")
                      .append(ci == null ? "" : fmt(ci.lo()))
                      .append("</td><td>")
                      .append(ci == null ? "" : fmt(ci.hi()))
                      .append("</td><td></td><td></td><td></td></tr>");
                }
              });
      if (r.isAtBound()) {
        t.append("<tr><td>")
            .append(r.form().label())
            .append("</td><td colspan=\"7\" style=\"text-align:left\">")
            .append("at bound: ")
            .append(esc(r.boundNote()))
            .append(" (the data do not support this part of the law)</td></tr>");
      }
    }
    return t.append("</table>").toString();
  }

  /** The two interval cells of a parameter, or one cell saying why no interval is shown. */
  private static String ciCells(FitResult r, String name, Interval ci) {
    String caveat = IntervalText.caveat(r, name, ci);
    if (caveat != null) {
      return "<td colspan=\"2\" style=\"text-align:left\">" + esc(caveat) + "</td>";
    }
    return "<td>"
        + (ci == null ? "" : fmt(ci.lo()))
        + "</td><td>"
        + (ci == null ? "" : fmt(ci.hi()))
        + "</td>";
  }

  /**
   * The measured evaluation noise and whether the loss falls along N and along D by more than it;
   * empty when the noise is unknown.
   */
  static String noiseSection(ScalingAnalysis a, SweepFacts facts) {
    if (facts.evalNoise() == null) {
      return "";
    }
    double noise = facts.evalNoise();
    StringBuilder t = new StringBuilder("<h2>Evaluation noise</h2>");
    t.append(
        String.format(
            Locale.ROOT,
            "<p>Standard error of a trial's final held-out loss, from the spread of its eval"
                + " windows: median %s nats over the trials%s. Every trial is scored on the same"
                + " windows, so differences between trials are less noisy than this.</p><ul>",
            fmt(noise),
            facts.evalTokens() == null
                ? ""
                : " (" + facts.evalTokens() + " held-out tokens per evaluation)"));
    for (LossTrends trend : LossTrends.of(a.points(), noise)) {
      t.append("<li>")
          .append(trend.allResolved() ? "" : "<b>not resolved:</b> ")
          .append(esc(trend.sentence(noise)))
          .append("</li>");
    }
    t.append("</ul>");
    if (facts.seedSpread() != null) {
      t.append("<p>").append(esc(facts.seedSpread().sentence(noise))).append("</p>");
    }
    return t.toString();
  }

  /**
   * The source's exact floor and designed exponents beside the fitted E, alpha and beta of each
   * joint law that has them; empty when the source has no designed exponents.
   */
  static String truthSection(ScalingAnalysis a, SweepFacts facts) {
    if (facts.designedNExponent() == null && facts.entropyFloor() == null) {
      return "";
    }
    StringBuilder t =
        new StringBuilder(
            "<h2>Ground truth</h2><p>The source's exact entropy floor and the loss exponents it"
                + " was designed to show, beside the fitted values.</p><table><tr><th>law</th>"
                + "<th>quantity</th><th>truth</th><th>fitted</th><th>interval</th>"
                + "<th>inside the interval</th></tr>");
    for (LawFit lf : a.fits()) {
      for (Truth truth : truths(facts)) {
        Double fitted = lf.fit().params().named().get(truth.parameter());
        if (fitted == null) {
          continue;
        }
        Interval ci = lf.bootstrap() == null ? null : lf.bootstrap().get(truth.parameter());
        String caveat = IntervalText.caveat(lf.fit(), truth.parameter(), ci);
        t.append("<tr><td>")
            .append(lf.form().label())
            .append("</td><td>")
            .append(esc(truth.label()))
            .append("</td><td>")
            .append(fmt(truth.value()))
            .append("</td><td>")
            .append(fmt(fitted))
            .append("</td><td>")
            .append(
                caveat != null
                    ? esc(caveat)
                    : ci == null ? "" : "[" + fmt(ci.lo()) + ", " + fmt(ci.hi()) + "]")
            .append("</td><td>")
            .append(caveat != null || ci == null ? "" : ci.contains(truth.value()) ? "yes" : "no")
            .append("</td></tr>");
      }
    }
    return t.append("</table>").toString();
  }

  /** A true value of the source and the law parameter it is compared with. */
  private record Truth(String parameter, String label, double value) {}

  private static List<Truth> truths(SweepFacts facts) {
    List<Truth> truths = new ArrayList<>();
    if (facts.entropyFloor() != null) {
      truths.add(new Truth("E", "entropy floor (E)", facts.entropyFloor()));
    }
    if (facts.designedNExponent() != null) {
      truths.add(new Truth("alpha", "loss exponent in N (alpha)", facts.designedNExponent()));
    }
    if (facts.designedDExponent() != null) {
      truths.add(new Truth("beta", "loss exponent in D (beta)", facts.designedDExponent()));
    }
    return truths;
  }

  private static String backtestTable(ScalingAnalysis a) {
    StringBuilder t =
        new StringBuilder(
            "<h2>Extrapolation backtest</h2><table><tr><th>law</th>"
                + "<th>train rows</th><th>held-out rows</th><th>held out from C =</th><th>mean rel. error</th>"
                + "<th>max rel. error</th></tr>");
    boolean any = false;
    for (LawFit f : a.fits()) {
      if (f.backtest() != null) {
        any = true;
        var b = f.backtest();
        t.append(
            String.format(
                Locale.ROOT,
                "<tr><td>%s</td><td>%d</td><td>%d</td><td>%s</td><td>%.3f%%</td><td>%.3f%%</td></tr>",
                b.form().label(),
                b.trainRows(),
                b.heldOutRows(),
                fmt(b.minHeldOutCompute()),
                100 * b.meanRelError(),
                100 * b.maxRelError()));
      }
    }
    return any ? t.append("</table>").toString() : "<p>No backtest (disabled or too few rows).</p>";
  }

  /**
   * The agreement table of the approaches at the target compute, the approaches not applied, the
   * variable-projection cross-check and the design checks.
   */
  private static String allocationSection(AllocationStudy study) {
    StringBuilder t = new StringBuilder("<h2>Compute-optimal allocation: three approaches</h2>");
    t.append(
        String.format(
            Locale.ROOT,
            "<p>N_opt(C) = G&middot;C<sup>a</sup>, D_opt(C) = H&middot;C<sup>b</sup>, at the target"
                + " compute C = %s FLOPs (10x the largest budget); intervals are %.0f%% bootstrap"
                + " percentiles over runs.</p>",
            fmt(study.study().targetCompute()),
            100 * study.study().options().ciLevel()));
    t.append(
        "<table><tr><th>approach</th><th>a</th><th>a interval</th><th>b</th><th>b interval</th>"
            + "<th>N_opt</th><th>D_opt</th><th>tokens per parameter</th><th>time (ms)</th></tr>");
    for (Allocation e : study.estimates()) {
      t.append("<tr><td>")
          .append(e.approach().label())
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.4f", e.a()))
          .append("</td><td>")
          .append(interval(e.ciA()))
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.4f", e.b()))
          .append("</td><td>")
          .append(interval(e.ciB()))
          .append("</td><td>")
          .append(fmt(e.nOpt()))
          .append("</td><td>")
          .append(fmt(e.dOpt()))
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.1f", e.tokensPerParam()))
          .append("</td><td>")
          .append(e.millis())
          .append("</td></tr>");
    }
    t.append("</table>");
    for (AllocationStudy.Skipped k : study.skipped()) {
      t.append("<p class=\"warn\"><b>")
          .append(k.approach().label())
          .append(" not applied:</b> ")
          .append(esc(k.reason()))
          .append("</p>");
    }
    if (study.crossCheck() != null && study.crossCheck().agrees()) {
      t.append("<p>Variable-projection cross-check: ")
          .append(esc(study.crossCheck().message()))
          .append("</p>");
    }
    for (DesignCheck c : study.checks()) {
      t.append(c.warning() ? "<p class=\"warn\"><b>" : "<p><b>")
          .append(c.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '))
          .append(":</b> ")
          .append(esc(c.message()))
          .append("</p>");
    }
    return t.toString();
  }

  /**
   * The section "Best learning rate vs N": per (N, D) the learning rate of the lowest final loss,
   * per D the fitted trend log lr* = a + b log N with the slope's standard error, and what the
   * slope should be.
   */
  static String learningRateSection(LearningRateTransfer t) {
    StringBuilder h = new StringBuilder("<h2>Best learning rate vs N</h2>");
    h.append(
            "<p>For each model size N (non-embedding parameters) and D, the learning rate with the")
        .append(" lowest final eval loss");
    if (t.parametrization() != null) {
      h.append("; parametrization <b>").append(esc(t.parametrization())).append("</b>");
    }
    h.append(".</p><table><tr><th>D</th><th>N</th><th>best learning rate</th>")
        .append("<th>final eval loss</th><th>rates tried</th></tr>");
    for (LearningRateTransfer.Best b : t.best()) {
      h.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%s</td><td>%s</td><td>%s%s</td><td>%.4f</td><td>%d</td></tr>",
              fmt(b.d()),
              fmt(b.n()),
              fmt(b.learningRate()),
              b.atEdge() ? " (edge of the grid)" : "",
              b.loss(),
              b.tried()));
    }
    h.append("</table>");
    if (!t.trends().isEmpty()) {
      h.append("<table><tr><th>D</th><th>a</th><th>slope b</th><th>s.e. of b</th>")
          .append("<th>sizes</th></tr>");
      for (LearningRateTransfer.Trend r : t.trends()) {
        h.append(
            String.format(
                Locale.ROOT,
                "<tr><td>%s</td><td>%.3f</td><td>%.3f</td><td>%s</td><td>%d</td></tr>",
                fmt(r.d()),
                r.a(),
                r.b(),
                Double.isNaN(r.slopeStdError())
                    ? "n/a (2 sizes)"
                    : String.format(Locale.ROOT, "%.3f", r.slopeStdError()),
                r.sizes()));
      }
      h.append("</table>");
    }
    h.append("<p>The trend is the least-squares line log lr* = a + b &middot; log N (natural")
        .append(" logarithms) through the best learning rates of one D. Under muP")
        .append(" (<code>model.parametrization: mup</code>) the slope should be near 0: one tuned")
        .append(" learning rate holds for every width. Under the standard parametrization the best")
        .append(" learning rate usually falls as N grows (a negative slope). A best learning rate")
        .append(" at the edge of the grid only bounds the optimum; the grid's spacing limits how")
        .append(" finely the slope is resolved.</p>");
    return h.toString();
  }

  private static String interval(Interval i) {
    return i == null ? "" : String.format(Locale.ROOT, "[%.4f, %.4f]", i.lo(), i.hi());
  }

  /** {@code n} values from {@code lo} to {@code hi}, evenly spaced in log. */
  public static double[] logSpace(double lo, double hi, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo * Math.pow(hi / lo, i / (double) (n - 1));
    }
    return v;
  }

  /** A number as the report prints it: 5 significant digits, scientific outside [1e-3, 1e5). */
  public static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "";
    }
    double a = Math.abs(v);
    return (a != 0 && (a < 1e-3 || a >= 1e5))
        ? String.format(Locale.ROOT, "%.4e", v)
        : String.format(Locale.ROOT, "%.5g", v);
  }

  /** {@code s} escaped for HTML text and attributes. */
  public static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
