package dev.scaling.driver.batch;

import static dev.scaling.driver.report.ReportWriter.esc;
import static dev.scaling.driver.report.ReportWriter.fmt;

import dev.scaling.common.batch.BcritLaw;
import dev.scaling.common.batch.ComputeFrontier;
import dev.scaling.common.batch.CriticalBatch;
import dev.scaling.common.batch.KaplanSFit;
import dev.scaling.common.batch.KaplanSLaw;
import dev.scaling.common.batch.LoggedPoint;
import dev.scaling.common.batch.StepsToTarget;
import dev.scaling.common.batch.TrialCurve;
import dev.scaling.common.fit.Allocation;
import dev.scaling.common.fit.Interval;
import dev.scaling.driver.fit.BatchAnalysis;
import dev.scaling.driver.report.ReportWriter;
import dev.scaling.driver.report.chart.Axis;
import dev.scaling.driver.report.chart.Chart;
import dev.scaling.driver.report.chart.ChartHtml;
import dev.scaling.driver.report.chart.Point;
import dev.scaling.driver.report.chart.Series;
import dev.scaling.driver.report.chart.Style;
import dev.scaling.driver.report.chart.Tip;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The report's "Batch size" section of a {@link BatchStudy}: the targets, per model the S vs E
 * hyperbolas with their fitted curves, B_crit against the target loss with the fitted laws and the
 * measured noise scale, the noise scale over training, L(N, S_min) with its fit, the compute
 * frontier in C_min beside the L(N, D)-based one, tables of every number with its interval, and
 * notes on what could not be fitted. Plots are the report's own ({@link ReportWriter#chart}).
 */
public final class BatchSection {
  /** Points along a drawn curve. */
  private static final int DENSE = 60;

  private BatchSection() {}

  /**
   * A whole HTML page holding only this section, for {@code ./sweep fit --form batch} on a sweep's
   * output folder.
   */
  public static String page(BatchStudy s) {
    return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Batch size</title>"
        + "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
        + "text-align:right}th{background:#f3f3f3}.warn{background:#fff3cd;padding:8px;margin:4px 0}"
        + "img{max-width:100%}</style></head><body>"
        + html(s)
        + "</body></html>\n";
  }

  /** The section's HTML: an {@code <h2>} and what follows it. */
  public static String html(BatchStudy s) {
    StringBuilder h = new StringBuilder("<h2>Batch size</h2>");
    h.append(
        "<p>Trials of one model differ only in their batch size B (tokens per step). For each"
            + " target loss, S(B) is the steps to first reach it (interpolated between logged"
            + " evaluations) and E = S B the tokens; S = S_min + E_min / B is fitted per model and"
            + " target (McCandlish et al. 2018: (S/S_min - 1)(E/E_min - 1) = 1), B_crit = E_min /"
            + " S_min. B_crit(L) = B_* / L<sup>1/alpha_B</sup> is fitted across targets (Kaplan et"
            + " al. 2020, eq. 5.2). B_noise is the measured gradient noise scale B_simple ="
            + " tr(&Sigma;) / |G|<sup>2</sup> in tokens (from the microbatch and full-batch gradient"
            + " norms, each smoothed), read at the logged step nearest each trial's crossing, median"
            + " over the model's trials; McCandlish et al. find B_crit near B_simple, within a small"
            + " factor. Intervals: bootstrap percentiles.</p>");
    h.append("<p>").append(esc(s.targets().describe())).append(".</p>");
    for (String note : s.notes()) {
      h.append("<p class=\"warn\">").append(esc(note)).append("</p>");
    }
    h.append(modelTable(s));
    h.append(fitTable(s));
    h.append(lawTable(s));
    h.append(kaplanTable(s));
    h.append(frontierTable(s));
    for (BatchModels.Model m : s.models()) {
      if (s.fits().stream().anyMatch(f -> f.group().equals(m.group()))) {
        h.append(plot(() -> hyperbolas(s, m), m.group() + ": steps vs examples to each target"));
      }
    }
    if (!s.fits().isEmpty()) {
      h.append(plot(() -> bCritVsLoss(s), "B_crit and the noise scale vs target loss"));
    }
    if (s.curves().stream()
        .anyMatch(c -> c.points().stream().anyMatch(LoggedPoint::measuredNoise))) {
      h.append(plot(() -> noiseOverTraining(s), "Gradient noise scale over training"));
    } else {
      h.append("<p>No trial measured the gradient noise scale (training.noise_scale off, or one")
          .append(" microbatch per step).</p>");
    }
    if (s.kaplan() != null) {
      h.append(plot(() -> lossVsMinSteps(s), "L(N, S_min) with its fit"));
    }
    if (s.frontierLaw() != null) {
      h.append(plot(() -> lossVsMinCompute(s), "Loss vs C_min per trial"));
    }
    if (s.frontier() != null && !s.frontier().levels().isEmpty()) {
      h.append(plot(() -> frontiers(s), "Compute frontiers: N_opt vs C_min and vs C"));
    }
    return h.toString();
  }

  private static String plot(Supplier<Chart> chart, String alt) {
    try {
      return "<h3>" + esc(alt) + "</h3>" + ChartHtml.bare(chart.get(), null);
    } catch (RuntimeException e) {
      // A plot that cannot be drawn must not cost the report.
      return "<p class=\"warn\">"
          + esc(alt)
          + " could not be drawn: "
          + esc(String.valueOf(e.getMessage()))
          + "</p>";
    }
  }

  private static String modelTable(BatchStudy s) {
    StringBuilder t =
        new StringBuilder(
            "<table><tr><th>model</th><th>N</th><th>trials</th><th>batch sizes (tokens)</th>"
                + "<th>targets</th></tr>");
    for (BatchModels.Model m : s.models()) {
      t.append("<tr><td>")
          .append(esc(m.group()))
          .append("</td><td>")
          .append(fmt(m.n()))
          .append("</td><td>")
          .append(m.curves().size())
          .append("</td><td>")
          .append(
              String.join(
                  ", ",
                  m.batchSizes().stream().map(b -> String.format(Locale.ROOT, "%.0f", b)).toList()))
          .append("</td><td>")
          .append(
              String.join(
                  ", ",
                  s.targets().of(m.group()).stream()
                      .map(x -> String.format(Locale.ROOT, "%.4g", x))
                      .toList()))
          .append("</td></tr>");
    }
    return t.append("</table>").toString();
  }

  private static String fitTable(BatchStudy s) {
    if (s.fits().isEmpty()) {
      return "<p class=\"warn\">No (model, target) could be fitted.</p>";
    }
    StringBuilder t =
        new StringBuilder(
            "<h3>S = S_min + E_min / B per model and target</h3><table><tr><th>model</th>"
                + "<th>target L</th><th>S_min (steps)</th><th>interval</th><th>E_min"
                + " (tokens)</th><th>interval</th><th>B_crit (tokens)</th><th>interval</th>"
                + "<th>trials</th><th>rms log residual</th><th>B_noise (tokens)</th>"
                + "<th>B_noise / B_crit</th></tr>");
    for (CriticalBatch f : s.fits()) {
      BatchStudy.NoiseAtTarget b = s.noiseAt(f.group(), f.target());
      t.append("<tr><td>")
          .append(esc(f.group()))
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.4f", f.target()))
          .append(cells(f.sMin(), f.sMinCi()))
          .append(cells(f.eMin(), f.eMinCi()))
          .append(cells(f.bCrit(), f.bCritCi()))
          .append("</td><td>")
          .append(f.nPoints())
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.4f", f.rmsLogResidual()))
          .append("</td><td>")
          .append(b == null ? "not measured" : fmt(b.noiseScale()) + " (" + b.trials() + " trials)")
          .append("</td><td>")
          .append(b == null ? "" : String.format(Locale.ROOT, "%.3g", b.ratio()))
          .append("</td></tr>");
    }
    return t.append("</table>").toString();
  }

  private static String lawTable(BatchStudy s) {
    if (s.laws().isEmpty()) {
      return "";
    }
    StringBuilder t =
        new StringBuilder(
            "<h3>B_crit(L) = B_* / L<sup>1/alpha_B</sup></h3><table><tr><th>model</th>"
                + "<th>B_* (tokens)</th><th>interval</th><th>alpha_B</th><th>interval</th>"
                + "<th>fits</th></tr>");
    for (BatchAnalysis.GroupLaw g : s.laws()) {
      t.append("<tr><td>")
          .append(esc(BatchStudy.label(g.group())))
          .append(cells(g.law().bStar(), g.law().bStarCi()))
          .append(cells(g.law().alphaB(), g.law().alphaBCi()))
          .append("</td><td>")
          .append(g.law().nPoints())
          .append("</td></tr>");
    }
    t.append("</table><p>Kaplan et al. 2020 report B_* &asymp; 2e8 tokens and alpha_B &asymp; 0.21")
        .append(" for language models far larger than these; the form, not the constants, carries")
        .append(" over. A negative alpha_B means B_crit fell as the loss fell.</p>");
    return t.toString();
  }

  /** The floor L(N, S_min) was fitted above, 0 for none. */
  private static double floorOf(BatchStudy s) {
    return s.floor() == null ? 0 : s.floor();
  }

  private static String kaplanTable(BatchStudy s) {
    KaplanSFit k = s.kaplan();
    if (k == null) {
      return "";
    }
    String lhs = s.floor() == null ? "L" : "L - " + String.format(Locale.ROOT, "%.4f", s.floor());
    return "<h3>"
        + lhs
        + "(N, S_min) = (N_c / N)<sup>alpha_N</sup> + (S_c / S_min)<sup>alpha_S</sup></h3>"
        + "<table><tr><th>N_c</th><th>interval</th><th>alpha_N</th><th>interval</th><th>S_c"
        + " (steps)</th><th>interval</th><th>alpha_S</th><th>interval</th><th>points</th>"
        + "<th>rms log residual</th></tr><tr><td>"
        + fmt(k.nC())
        + cells2(k.nCCi())
        + cells(k.alphaN(), k.alphaNCi())
        + cells(k.sC(), k.sCCi())
        + cells(k.alphaS(), k.alphaSCi())
        + "</td><td>"
        + k.nPoints()
        + "</td><td>"
        + String.format(Locale.ROOT, "%.4f", k.rmsLogResidual())
        + "</td></tr></table><p>Fitted over every (model, target) S_min above; Kaplan et al. 2020"
        + " report alpha_N &asymp; 0.076 and alpha_S &asymp; 0.76.</p>";
  }

  private static String frontierTable(BatchStudy s) {
    ComputeFrontier.Fit f = s.frontier();
    if (f == null) {
      return "";
    }
    StringBuilder t =
        new StringBuilder(
            "<h3>Compute-efficient frontier</h3><p>C = 6 N B S (B in tokens) and C_min = C / (1 +"
                + " B / B_crit(L)) at each logged point, with the pooled B_crit(L); at each of "
                + ComputeFrontier.LEVELS
                + " log-spaced C_min levels the model of lowest loss (best over its batch sizes)"
                + " is N_opt, and N_opt = k C_min<sup>a</sup> is fitted by least squares in"
                + " log-log over the levels where the winner changes, bootstrap over levels. Beside"
                + " it, the same run's allocation exponent a of N_opt = G C<sup>a</sup> from"
                + " L(N, D) (C = 6ND).</p><table><tr><th>frontier</th><th>a</th><th>interval</th>"
                + "<th>points</th></tr>");
    if (f.fitted()) {
      t.append("<tr><td>batch: N_opt vs C_min</td><td>")
          .append(String.format(Locale.ROOT, "%.4f", f.a()))
          .append("</td><td>")
          .append(interval(f.aCi()))
          .append("</td><td>")
          .append(f.levels().stream().filter(ComputeFrontier.Level::fitted).count())
          .append(" levels</td></tr>");
    } else {
      t.append("<tr><td>batch: N_opt vs C_min</td><td colspan=\"3\">not fitted: ")
          .append(esc(f.reason()))
          .append("</td></tr>");
    }
    if (s.allocations() != null) {
      for (Allocation e : s.allocations().estimates()) {
        t.append("<tr><td>L(N, D), ")
            .append(esc(e.approach().label()))
            .append(": N_opt vs C</td><td>")
            .append(String.format(Locale.ROOT, "%.4f", e.a()))
            .append("</td><td>")
            .append(interval(e.ciA()))
            .append("</td><td>")
            .append(e.frontier().isEmpty() ? "law" : e.frontier().size() + " points")
            .append("</td></tr>");
      }
    } else {
      t.append("<tr><td>L(N, D)</td><td colspan=\"3\">not fitted in this run (too few distinct N")
          .append(" and D for the joint law)</td></tr>");
    }
    return t.append("</table>").toString();
  }

  private static String cells(double v, Interval ci) {
    return "</td><td>" + fmt(v) + cells2(ci);
  }

  private static String cells2(Interval ci) {
    return "</td><td>" + interval(ci);
  }

  private static String interval(Interval i) {
    return i == null ? "" : "[" + fmt(i.lo()) + ", " + fmt(i.hi()) + "]";
  }

  /** Per target: each trial's (E, S) and the fitted S = S_min + E_min / B traced over B. */
  static Chart hyperbolas(BatchStudy s, BatchModels.Model m) {
    Chart c =
        Chart.of(m.group() + ": S vs E per target", Axis.log("E (tokens)"), Axis.log("S (steps)"));
    List<CriticalBatch> own = s.fits().stream().filter(f -> f.group().equals(m.group())).toList();
    List<Double> sizes = m.batchSizes();
    double[] bs = ReportWriter.logSpace(sizes.get(0) / 4, sizes.get(sizes.size() - 1) * 4, DENSE);
    for (CriticalBatch f : own) {
      String name = String.format(Locale.ROOT, "L=%.4g", f.target());
      List<Point> pts = new ArrayList<>();
      for (TrialCurve t : m.curves()) {
        Optional<StepsToTarget.Crossing> x = StepsToTarget.of(t, f.target());
        if (x.isPresent() && x.get().steps() > 0) {
          pts.add(
              new Point(
                  x.get().examples(),
                  x.get().steps(),
                  Double.NaN,
                  Tip.of(
                      t.trialId(),
                      "batch tokens",
                      fmt(t.batchTokens()),
                      "E",
                      fmt(x.get().examples()),
                      "S",
                      fmt(x.get().steps()),
                      "target",
                      name)));
        }
      }
      c = c.with(new Series(name, Style.POINTS, pts));
      c =
          c.with(
              Series.of(
                  name,
                  Style.LINE,
                  Arrays.stream(bs).map(b -> f.steps(b) * b).toArray(),
                  Arrays.stream(bs).map(f::steps).toArray()));
    }
    return c;
  }

  /** B_crit per (model, target), each law's line, and the measured noise scale. */
  static Chart bCritVsLoss(BatchStudy s) {
    Chart c =
        Chart.of(
            "B_crit (points, lines: B_* / L^(1/alpha_B)) and B_noise (dashed)",
            Axis.log("target loss L"),
            Axis.log("batch (tokens)"));
    double lo = s.fits().stream().mapToDouble(CriticalBatch::target).min().orElse(1);
    double hi = s.fits().stream().mapToDouble(CriticalBatch::target).max().orElse(2);
    double[] ls = ReportWriter.logSpace(lo, hi, DENSE);
    for (BatchModels.Model m : s.models()) {
      List<CriticalBatch> own = s.fits().stream().filter(f -> f.group().equals(m.group())).toList();
      if (own.isEmpty()) {
        continue;
      }
      String name = m.group() + " B_crit";
      c =
          c.with(
              Series.of(
                  name,
                  Style.POINTS,
                  own.stream().mapToDouble(CriticalBatch::target).toArray(),
                  own.stream().mapToDouble(CriticalBatch::bCrit).toArray()));
      List<BatchStudy.NoiseAtTarget> noise =
          s.noise().stream().filter(b -> b.group().equals(m.group())).toList();
      if (!noise.isEmpty()) {
        c =
            c.with(
                Series.of(
                    m.group() + " B_noise",
                    Style.DASHED,
                    noise.stream().mapToDouble(BatchStudy.NoiseAtTarget::target).toArray(),
                    noise.stream().mapToDouble(BatchStudy.NoiseAtTarget::noiseScale).toArray()));
      }
      Optional<double[]> law =
          s.laws().stream()
              .filter(g -> m.group().equals(g.group()))
              .findFirst()
              .map(g -> Arrays.stream(ls).map(l -> BcritLaw.predict(g.law(), l)).toArray());
      if (law.isPresent()) {
        c = c.with(Series.of(name, Style.LINE, ls, law.get()));
      }
    }
    Optional<double[]> pooled =
        s.laws().stream()
            .filter(g -> g.group() == null)
            .findFirst()
            .map(g -> Arrays.stream(ls).map(l -> BcritLaw.predict(g.law(), l)).toArray());
    if (pooled.isPresent()) {
      c = c.with(Series.of("pooled law", Style.DASHED, ls, pooled.get()));
    }
    return c;
  }

  /** Each trial's measured noise scale against its steps. */
  static Chart noiseOverTraining(BatchStudy s) {
    Chart c =
        Chart.of(
            "Gradient noise scale B_simple over training",
            Axis.log("step"),
            Axis.log("B_noise (tokens)"));
    java.util.Set<String> names = new java.util.HashSet<>();
    for (TrialCurve t : s.curves()) {
      List<LoggedPoint> pts =
          t.points().stream().filter(p -> p.measuredNoise() && p.step() > 0).toList();
      if (pts.isEmpty()) {
        continue;
      }
      String name = String.format(Locale.ROOT, "%s B=%.0f", t.group(), t.batchTokens());
      if (!names.add(name)) {
        name += " " + t.trialId(); // another D or replica of the same model and batch
      }
      c =
          c.with(
              Series.of(
                  name,
                  Style.LINE,
                  pts.stream().mapToDouble(LoggedPoint::step).toArray(),
                  pts.stream().mapToDouble(LoggedPoint::noiseScale).toArray()));
    }
    return c;
  }

  /** L against S_min per model, with L(N, S_min) drawn at each model's N. */
  static Chart lossVsMinSteps(BatchStudy s) {
    Chart c =
        Chart.of(
            "L(N, S_min) per model, with the joint fit",
            Axis.log("S_min (steps)"),
            Axis.linear("target loss L"));
    double lo = s.fits().stream().mapToDouble(CriticalBatch::sMin).min().orElse(1);
    double hi = s.fits().stream().mapToDouble(CriticalBatch::sMin).max().orElse(10);
    double[] ss = ReportWriter.logSpace(lo / 2, hi * 2, DENSE);
    for (BatchModels.Model m : s.models()) {
      List<CriticalBatch> own = s.fits().stream().filter(f -> f.group().equals(m.group())).toList();
      if (own.isEmpty()) {
        continue;
      }
      c =
          c.with(
              Series.of(
                  m.group(),
                  Style.POINTS,
                  own.stream().mapToDouble(CriticalBatch::sMin).toArray(),
                  own.stream().mapToDouble(CriticalBatch::target).toArray()));
      c =
          c.with(
              Series.of(
                  m.group(),
                  Style.LINE,
                  ss,
                  Arrays.stream(ss)
                      .map(x -> KaplanSLaw.predict(s.kaplan(), m.n(), x) + floorOf(s))
                      .toArray()));
    }
    return c;
  }

  /**
   * Each trial's loss against C_min = C / (1 + B / B_crit(L)), coloured by model: batch sizes of
   * one model collapse onto one curve where the trade-off holds, and the lower envelope over models
   * is the compute-efficient frontier.
   */
  static Chart lossVsMinCompute(BatchStudy s) {
    Chart c =
        Chart.of(
            "Loss vs C_min (one line per trial, colour per model)",
            Axis.log("C_min (FLOPs)"),
            Axis.log("loss (nats/token)"));
    java.util.function.DoubleUnaryOperator law = BatchStudy.frontierLaw(s.frontierLaw());
    for (BatchModels.Model m : s.models()) {
      for (TrialCurve t : m.curves()) {
        List<ComputeFrontier.Point> pts = ComputeFrontier.points(t, law);
        if (pts.isEmpty()) {
          continue;
        }
        c =
            c.with(
                Series.of(
                    m.group(),
                    Style.LINE,
                    pts.stream().mapToDouble(ComputeFrontier.Point::cMin).toArray(),
                    pts.stream().mapToDouble(ComputeFrontier.Point::loss).toArray()));
      }
    }
    ComputeFrontier.Fit f = s.frontier();
    if (f != null && !f.levels().isEmpty()) {
      c =
          c.with(
              Series.of(
                  "lowest loss at each C_min level",
                  Style.POINTS,
                  f.levels().stream().mapToDouble(ComputeFrontier.Level::cMin).toArray(),
                  f.levels().stream().mapToDouble(ComputeFrontier.Level::loss).toArray()));
    }
    return c;
  }

  /**
   * The batch frontier's levels and fitted N_opt = k C_min^a, and each L(N, D)-based allocation's
   * N_opt = G C^a over the same range of compute.
   */
  static Chart frontiers(BatchStudy s) {
    ComputeFrontier.Fit f = s.frontier();
    Chart c =
        Chart.of(
            "N_opt: batch frontier (vs C_min) and L(N,D) allocation (vs C)",
            Axis.log("compute (FLOPs)"),
            Axis.log("N_opt"));
    List<ComputeFrontier.Level> in =
        f.levels().stream().filter(ComputeFrontier.Level::fitted).toList();
    List<ComputeFrontier.Level> out = f.levels().stream().filter(l -> !l.fitted()).toList();
    c =
        c.with(
            Series.of(
                "lowest-loss model at C_min",
                Style.POINTS,
                in.stream().mapToDouble(ComputeFrontier.Level::cMin).toArray(),
                in.stream().mapToDouble(ComputeFrontier.Level::n).toArray()));
    if (!out.isEmpty()) {
      c =
          c.with(
              Series.of(
                  "flat tails (left out)",
                  Style.POINTS,
                  out.stream().mapToDouble(ComputeFrontier.Level::cMin).toArray(),
                  out.stream().mapToDouble(ComputeFrontier.Level::n).toArray()));
    }
    double lo = f.levels().get(0).cMin();
    double hi = f.levels().get(f.levels().size() - 1).cMin();
    double[] xs = ReportWriter.logSpace(lo, hi, DENSE);
    if (f.fitted()) {
      c =
          c.with(
              Series.of(
                  "lowest-loss model at C_min",
                  Style.LINE,
                  xs,
                  Arrays.stream(xs).map(f::nOpt).toArray()));
    }
    if (s.allocations() != null) {
      for (Allocation e : s.allocations().estimates()) {
        c =
            c.with(
                Series.of(
                    String.format(
                        Locale.ROOT, "L(N,D) %s: G C^a, a=%.3f", e.approach().label(), e.a()),
                    Style.DASHED,
                    xs,
                    Arrays.stream(xs).map(e::nOpt).toArray()));
      }
    }
    return c;
  }
}
