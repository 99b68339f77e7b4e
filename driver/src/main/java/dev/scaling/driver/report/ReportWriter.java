package dev.scaling.driver.report;

import dev.scaling.common.fit.Allocation;
import dev.scaling.common.fit.AllocationStudy;
import dev.scaling.common.fit.ApproachKind;
import dev.scaling.common.fit.BootstrapResult;
import dev.scaling.common.fit.ComputeOptimal;
import dev.scaling.common.fit.DesignCheck;
import dev.scaling.common.fit.FitResult;
import dev.scaling.common.fit.IdentifiabilityWarning;
import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.Law;
import dev.scaling.common.fit.LawFit;
import dev.scaling.common.fit.LawParams;
import dev.scaling.common.fit.ScalingAnalysis;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.driver.predict.BranchPredictions;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes {@code OUT/report/index.html}: one self-contained page (plots embedded as base64 PNG) with
 * the data, the fitted laws side by side, their bootstrap intervals, the backtest, identifiability
 * warnings, excluded-row notes and, on synthetic data, the true entropy floor beside the fitted E.
 */
public final class ReportWriter {
  private static final int MAX_SERIES = 8;
  private static final int W = 760;
  private static final int H = 480;

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
    html.append(allocationSection(study));
    html.append(IsoflopQualitySection.html(study, facts));
    if (learningRates != null) {
      html.append(learningRateSection(learningRates));
    }
    html.append("<h2>Plots</h2>");
    List<ScalingPoint> pts = rows.stream().map(TrialPoint::point).toList();
    LawParams main = mainLaw(analysis);
    html.append(img(lossVs(pts, main, true), "Loss vs N for each D"));
    html.append(img(lossVs(pts, main, false), "Loss vs D for each N"));
    html.append(img(lossVsCompute(pts, analysis.allocationLaw().orElse(null)), "Loss vs compute"));
    html.append(img(residuals(pts, analysis), "Residuals"));
    Allocation iso = study.estimate(ApproachKind.ISOFLOP);
    if (iso != null) {
      html.append(img(isoflopProfiles(iso), "IsoFLOP profiles"));
    }
    if (!study.estimates().isEmpty()) {
      html.append(img(nOptVsCompute(study), "N_opt against compute"));
    }
    if (!curves.isEmpty()) {
      html.append(img(learningCurves(curves), "Learning curves"));
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

  /** The page's head, style and title; headless AWT for the plots. */
  private static StringBuilder head() {
    System.setProperty("java.awt.headless", "true");
    StringBuilder html = new StringBuilder();
    html.append(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Scaling-law fit</title><style>")
        .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}")
        .append(
            "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;")
        .append(
            "text-align:right}th{background:#f3f3f3}.warn{background:#fff3cd;padding:8px;margin:4px 0}")
        .append("img{max-width:100%}</style></head><body>");
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

  /**
   * The law drawn through the data: the first joint law fitted (Chinchilla by default), else none.
   */
  private static LawParams mainLaw(ScalingAnalysis a) {
    return a.fits().stream()
        .filter(f -> f.form().law().scope() == Law.Scope.JOINT)
        .map(f -> f.fit().params())
        .findFirst()
        .orElse(null);
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

  /**
   * A colour from dark blue through green to orange for {@code t} in [0, 1]: budgets (or targets)
   * in order, readable on white (no pale yellow or grey).
   */
  public static Color ramp(double t) {
    float[][] stops = {
      {0.13f, 0.19f, 0.55f}, {0.0f, 0.55f, 0.55f}, {0.2f, 0.65f, 0.2f}, {0.9f, 0.45f, 0.0f}
    };
    double x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
    int i = Math.min((int) x, stops.length - 2);
    double f = x - i;
    float[] rgb = new float[3];
    for (int j = 0; j < 3; j++) {
      rgb[j] = (float) (stops[i][j] + f * (stops[i + 1][j] - stops[i][j]));
    }
    return new Color(rgb[0], rgb[1], rgb[2]);
  }

  private static String interval(Interval i) {
    return i == null ? "" : String.format(Locale.ROOT, "[%.4f, %.4f]", i.lo(), i.hi());
  }

  /** Loss against N per budget, the fitted quadratics in log N and their vertices. */
  private static XYChart isoflopProfiles(Allocation iso) {
    XYChart c = chart("IsoFLOP profiles: loss vs N, quadratics in log N", "N (parameters)", "loss");
    c.getStyler().setYAxisLogarithmic(false);
    c.getStyler().setYAxisDecimalPattern("0.00");
    List<Allocation.Profile> profiles = iso.profiles();
    List<Double> vx = new ArrayList<>();
    List<Double> vy = new ArrayList<>();
    List<Double> ex = new ArrayList<>();
    List<Double> ey = new ArrayList<>();
    for (int k = 0; k < profiles.size(); k++) {
      Allocation.Profile p = profiles.get(k);
      Color color = ramp(profiles.size() == 1 ? 0 : k / (double) (profiles.size() - 1));
      String name = String.format(Locale.ROOT, "C=%.3g", p.compute());
      XYSeries pts =
          c.addSeries(
              name,
              p.n().stream().mapToDouble(Double::doubleValue).toArray(),
              p.loss().stream().mapToDouble(Double::doubleValue).toArray());
      pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      pts.setMarkerColor(color);
      pts.setMarker(SeriesMarkers.CIRCLE);
      if (Double.isFinite(p.c2())) {
        double[] xs = logSpace(p.n().get(0), p.n().get(p.n().size() - 1), 50);
        double[] ys = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
          ys[i] = p.predict(xs[i]);
        }
        XYSeries q = c.addSeries(name + " quadratic", xs, ys);
        q.setMarker(SeriesMarkers.NONE);
        q.setLineColor(color);
        q.setShowInLegend(false);
      }
      if (Double.isFinite(p.vertexN())) {
        (p.atEdge() ? ex : vx).add(p.vertexN());
        (p.atEdge() ? ey : vy).add(p.predict(p.vertexN()));
      }
    }
    if (!vx.isEmpty()) {
      XYSeries v = c.addSeries("vertex N*(C)", vx, vy);
      v.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      v.setMarker(SeriesMarkers.DIAMOND);
      v.setMarkerColor(Color.BLACK);
    }
    if (!ex.isEmpty()) {
      XYSeries v = c.addSeries("vertex at the grid's edge (left out)", ex, ey);
      v.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      v.setMarker(SeriesMarkers.CROSS);
      v.setMarkerColor(Color.RED);
    }
    return c;
  }

  /**
   * N_opt against C: each approach's line N = G C^a out to the target compute, dashed lines at the
   * ends of a's interval (pivoting where the approach's points are), and the points it fitted.
   */
  private static XYChart nOptVsCompute(AllocationStudy study) {
    XYChart c = chart("N_opt vs compute by approach (dashed: interval of a)", "C (FLOPs)", "N_opt");
    Color[] palette = {new Color(0, 114, 178), new Color(213, 94, 0), new Color(0, 158, 115)};
    double lo = study.study().compute().stream().mapToDouble(Double::doubleValue).min().orElse(1);
    double hi = study.study().targetCompute();
    for (int k = 0; k < study.estimates().size(); k++) {
      Allocation e = study.estimates().get(k);
      Color color = palette[k % palette.length];
      double[] xs = logSpace(lo, hi, 40);
      XYSeries line =
          c.addSeries(
              e.approach().label() + String.format(Locale.ROOT, " (a=%.3f)", e.a()),
              xs,
              Arrays.stream(xs).map(e::nOpt).toArray());
      line.setMarker(SeriesMarkers.NONE);
      line.setLineColor(color);
      if (e.ciA() != null) {
        double pivot =
            e.frontier().isEmpty()
                ? Math.sqrt(
                    lo
                        * study.study().compute().stream()
                            .mapToDouble(Double::doubleValue)
                            .max()
                            .orElse(lo))
                : Math.exp(
                    e.frontier().stream()
                        .mapToDouble(f -> Math.log(f.compute()))
                        .average()
                        .orElseThrow());
        double[] ends = {e.ciA().lo(), e.ciA().hi()};
        for (int end = 0; end < 2; end++) {
          double a = ends[end];
          XYSeries band =
              c.addSeries(
                  e.approach().label() + (end == 0 ? " interval low" : " interval high"),
                  xs,
                  Arrays.stream(xs).map(x -> e.nOpt(pivot) * Math.pow(x / pivot, a)).toArray());
          band.setMarker(SeriesMarkers.NONE);
          band.setLineColor(color);
          band.setLineStyle(SeriesLines.DASH_DASH);
          band.setShowInLegend(false);
        }
      }
      if (!e.frontier().isEmpty()) {
        XYSeries pts =
            c.addSeries(
                e.approach().label() + " points",
                e.frontier().stream().mapToDouble(Allocation.FrontierPoint::compute).toArray(),
                e.frontier().stream().mapToDouble(Allocation.FrontierPoint::n).toArray());
        pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        pts.setMarkerColor(color);
        pts.setMarker(
            e.approach() == ApproachKind.ISOFLOP ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
        pts.setShowInLegend(true);
        pts.setLabel(
            e.approach() == ApproachKind.ISOFLOP
                ? "isoflop: budget vertices"
                : e.approach().label() + ": runs on the hull");
      }
    }
    double target = study.study().targetCompute();
    double yLo = study.estimates().stream().mapToDouble(e -> e.nOpt(lo)).min().orElse(1);
    double yHi = study.estimates().stream().mapToDouble(e -> e.nOpt(target)).max().orElse(10);
    XYSeries t =
        c.addSeries(
            String.format(Locale.ROOT, "target C=%.3g", target),
            new double[] {target, target},
            new double[] {yLo, yHi});
    t.setMarker(SeriesMarkers.NONE);
    t.setLineColor(Color.GRAY);
    t.setLineStyle(SeriesLines.DOT_DOT);
    return c;
  }

  /**
   * A plot with the report's size and style, both axes logarithmic and a legend: every chart of the
   * report starts here, side-fit sections included.
   */
  public static XYChart chart(String title, String x, String y) {
    XYChart c =
        new XYChartBuilder().width(W).height(H).title(title).xAxisTitle(x).yAxisTitle(y).build();
    c.getStyler().setXAxisLogarithmic(true);
    c.getStyler().setYAxisLogarithmic(true);
    c.getStyler().setLegendVisible(true);
    c.getStyler().setMarkerSize(6);
    return c;
  }

  private static XYChart lossVs(List<ScalingPoint> pts, LawParams law, boolean overN) {
    XYChart c =
        chart(
            overN ? "Loss vs N for each D" : "Loss vs D for each N",
            overN ? "N (parameters)" : "D (tokens)",
            "loss");
    Map<Double, List<ScalingPoint>> groups =
        pts.stream()
            .collect(
                Collectors.groupingBy(
                    p -> round3(overN ? p.d() : p.n()), TreeMap::new, Collectors.toList()));
    List<Double> keys = pick(new ArrayList<>(groups.keySet()));
    double lo = pts.stream().mapToDouble(p -> overN ? p.n() : p.d()).min().orElse(1);
    double hi = pts.stream().mapToDouble(p -> overN ? p.n() : p.d()).max().orElse(10);
    java.awt.Color[] palette = c.getStyler().getSeriesColors();
    int index = 0;
    for (Double key : keys) {
      List<ScalingPoint> g = groups.get(key);
      // The group's own (mean) value, not the 3-digit key: curves are drawn at the D or N trained.
      double k = g.stream().mapToDouble(p -> overN ? p.d() : p.n()).average().orElse(key);
      java.awt.Color color = palette[index++ % palette.length];
      String name = (overN ? "D=" : "N=") + fmt(k);
      XYSeries s =
          c.addSeries(
              name,
              g.stream().mapToDouble(p -> overN ? p.n() : p.d()).toArray(),
              g.stream().mapToDouble(ScalingPoint::loss).toArray());
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarkerColor(color);
      if (law != null) {
        double[] xs = logSpace(lo, hi, 60);
        double[] ys = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
          ys[i] = overN ? law.predict(xs[i], k) : law.predict(k, xs[i]);
        }
        XYSeries f = c.addSeries(name + " fit", xs, ys);
        f.setMarker(SeriesMarkers.NONE);
        f.setShowInLegend(false);
        f.setLineColor(color);
      }
    }
    return c;
  }

  private static XYChart lossVsCompute(List<ScalingPoint> pts, LawFit allocationLaw) {
    XYChart c =
        chart("Loss vs compute (6ND) with the compute-optimal frontier", "C (FLOPs)", "loss");
    c.addSeries(
            "trials",
            pts.stream().mapToDouble(ScalingPoint::compute).toArray(),
            pts.stream().mapToDouble(ScalingPoint::loss).toArray())
        .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    if (allocationLaw != null) {
      ComputeOptimal o = allocationLaw.computeOptimal().orElseThrow();
      LawParams law = allocationLaw.fit().params();
      double lo = pts.stream().mapToDouble(ScalingPoint::compute).min().orElse(1);
      double hi = pts.stream().mapToDouble(ScalingPoint::compute).max().orElse(10);
      double[] xs = logSpace(lo, hi * 10, 60);
      double[] ys = new double[xs.length];
      for (int i = 0; i < xs.length; i++) {
        ys[i] = law.predict(o.nOpt(xs[i]), o.dOpt(xs[i]));
      }
      c.addSeries("compute-optimal frontier (" + allocationLaw.form().label() + ")", xs, ys)
          .setMarker(SeriesMarkers.NONE);
    }
    return c;
  }

  private static XYChart residuals(List<ScalingPoint> pts, ScalingAnalysis a) {
    XYChart c = chart("Residuals log L_hat - log L", "C (FLOPs)", "residual");
    c.getStyler().setYAxisLogarithmic(false);
    for (LawFit f : a.fits()) {
      if (f.form().law().scope() != Law.Scope.JOINT) {
        continue;
      }
      LawParams p = f.fit().params();
      c.addSeries(
              f.form().label(),
              pts.stream().mapToDouble(ScalingPoint::compute).toArray(),
              pts.stream().mapToDouble(q -> Math.log(p.predict(q.n(), q.d()) / q.loss())).toArray())
          .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    }
    if (a.fits().stream().noneMatch(f -> f.form().law().scope() == Law.Scope.JOINT)) {
      c.addSeries("none", new double[] {1}, new double[] {0});
    }
    return c;
  }

  private static XYChart learningCurves(List<CurveSample> curves) {
    XYChart c =
        chart("Learning curves (eval loss, train loss where not evaluated)", "tokens", "loss");
    Map<String, List<CurveSample>> byTrial =
        curves.stream()
            .filter(s -> s.tokens() > 0)
            .collect(
                Collectors.groupingBy(CurveSample::trialId, TreeMap::new, Collectors.toList()));
    for (Map.Entry<String, List<CurveSample>> e : byTrial.entrySet()) {
      List<CurveSample> s =
          e.getValue().stream()
              .filter(x -> Double.isFinite(x.evalLoss()) ? x.evalLoss() > 0 : x.trainLoss() > 0)
              .sorted(java.util.Comparator.comparingLong(CurveSample::step))
              .toList();
      if (s.isEmpty()) {
        continue;
      }
      XYSeries series =
          c.addSeries(
              e.getKey(),
              s.stream().mapToDouble(CurveSample::tokens).toArray(),
              s.stream()
                  .mapToDouble(x -> Double.isFinite(x.evalLoss()) ? x.evalLoss() : x.trainLoss())
                  .toArray());
      series.setMarker(SeriesMarkers.NONE);
      series.setShowInLegend(byTrial.size() <= 12);
    }
    // Past a dozen trials a legend of trial ids says nothing; the trials table names them.
    c.getStyler().setLegendVisible(byTrial.size() <= 12);
    return c;
  }

  /** The chart as an inline PNG under an {@code <h3>} of {@code alt}. */
  public static String img(XYChart chart, String alt) {
    try {
      byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
      return "<h3>"
          + esc(alt)
          + "</h3><img alt=\""
          + esc(alt)
          + "\" src=\"data:image/png;base64,"
          + Base64.getEncoder().encodeToString(png)
          + "\">";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render plot " + alt, e);
    }
  }

  private static List<Double> pick(List<Double> keys) {
    if (keys.size() <= MAX_SERIES) {
      return keys;
    }
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < MAX_SERIES; i++) {
      out.add(keys.get((int) Math.round(i * (keys.size() - 1) / (double) (MAX_SERIES - 1))));
    }
    return out;
  }

  private static double round3(double v) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.3g", v));
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
