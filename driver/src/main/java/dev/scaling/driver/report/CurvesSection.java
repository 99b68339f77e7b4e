package dev.scaling.driver.report;

import dev.scaling.common.curve.Curve;
import dev.scaling.common.curve.CurveFit;
import dev.scaling.driver.predict.BranchPredictions;
import dev.scaling.driver.predict.CurveLawFit;
import dev.scaling.driver.predict.ModelCurves;
import dev.scaling.driver.predict.ModelPrediction;
import dev.scaling.driver.predict.PredictedBranch;
import dev.scaling.driver.report.chart.Axis;
import dev.scaling.driver.report.chart.Chart;
import dev.scaling.driver.report.chart.ChartHtml;
import dev.scaling.driver.report.chart.Series;
import dev.scaling.driver.report.chart.Style;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The report's "Curves" section for a wsd sweep with predicted branches: per model every trunk and
 * branch with the fitted curve law drawn over it (and over the predicted branches' schedules), the
 * residuals of the fitted curves in units of the evaluation noise, each law's parameters with their
 * bootstrap intervals, the two laws side by side (Tissue et al.'s annealing law and the Multi-Power
 * Law: mean relative error on the held-out branches that {@code --verify-predictions} trained), and
 * each checked prediction against its trained twin.
 */
public final class CurvesSection {
  /** Points along a drawn law curve. */
  private static final int DENSE = 160;

  private CurvesSection() {}

  /** The section's HTML. */
  public static String html(BranchPredictions p) {
    StringBuilder h = new StringBuilder("<h2>Curves</h2>");
    h.append(
        String.format(
            Locale.ROOT,
            "<p>Per model, each whole learning-curve law is fitted on the trunk (constant rate to"
                + " its last fork) and the cooldown branches it trained; <b>%s</b> predicts the"
                + " final held-out loss of every other branch from that branch's schedule (%d"
                + " predicted). Residuals are (measured - law) / the model's evaluation noise"
                + " (median eval_loss_stderr). Intervals: 95%%, bootstrap over whole runs; a"
                + " prediction's interval adds the evaluation noise.</p>",
            p.law().label(),
            p.predicted().size()));
    h.append(sideBySide(p));
    h.append(checks(p));
    for (ModelPrediction m : p.models()) {
      h.append("<h3>")
          .append(ReportWriter.esc(m.label()))
          .append(" (trunk ")
          .append(ReportWriter.esc(m.trunkId()))
          .append(")</h3>");
      if (m.failure() != null) {
        h.append("<p class=\"warn\">").append(ReportWriter.esc(m.failure())).append("</p>");
      }
      h.append(parameterTable(m));
      CurveLawFit chosen = m.fit(p.law());
      if (chosen != null && chosen.fitted()) {
        try {
          h.append(
              ChartHtml.div(
                  curvesChart(
                      m,
                      chosen.fit(),
                      m.label() + ": trunk and branches with the fitted " + p.law().label())));
          if (Double.isFinite(m.noise()) && m.noise() > 0) {
            h.append(
                ChartHtml.div(
                    residualChart(
                        m,
                        chosen.fit(),
                        m.label() + ": residuals of " + p.law().label() + " / evaluation noise")));
          }
        } catch (RuntimeException e) {
          // A plot that cannot be drawn must not cost the report.
          h.append("<p class=\"warn\">plots of this model could not be drawn: ")
              .append(ReportWriter.esc(String.valueOf(e.getMessage())))
              .append("</p>");
        }
      }
    }
    return h.toString();
  }

  /** Annealing and MPL side by side, per model. */
  private static String sideBySide(BranchPredictions p) {
    StringBuilder t =
        new StringBuilder(
            "<h3>Curve laws side by side</h3><table><tr><th>model</th><th>law</th>"
                + "<th>curves fitted</th><th>logged losses</th><th>RMS residual / noise</th>"
                + "<th>held-out branches</th><th>mean relative error, held-out cooldown points</th>"
                + "<th>mean relative error, held-out final losses</th></tr>");
    boolean anyHeldOut = false;
    for (ModelPrediction m : p.models()) {
      for (CurveLawFit f : m.fits()) {
        t.append("<tr><td>")
            .append(ReportWriter.esc(m.label()))
            .append("</td><td>")
            .append(f.law().label())
            .append(f.law() == p.law() ? " (predicts)" : "")
            .append("</td>");
        if (!f.fitted()) {
          t.append("<td colspan=\"6\">not fitted: ")
              .append(ReportWriter.esc(f.failure()))
              .append("</td></tr>");
          continue;
        }
        anyHeldOut |= !f.heldOut().isEmpty();
        t.append("<td>")
            .append(m.fitted().size())
            .append("</td><td>")
            .append(f.fit().points())
            .append("</td><td>")
            .append(ReportWriter.fmt(rmsResidual(m, f.fit())))
            .append("</td><td>")
            .append(f.heldOut().size())
            .append("</td><td>")
            .append(f.heldOut().isEmpty() ? "" : pct(f.heldOutMeanRelativeError()))
            .append("</td><td>")
            .append(f.heldOut().isEmpty() ? "" : pct(f.heldOutFinalMeanRelativeError()))
            .append("</td></tr>");
      }
    }
    t.append("</table>");
    if (!anyHeldOut) {
      t.append(
          "<p>No held-out branches: run with <code>--verify-predictions</code> to train the"
              + " predicted branches too and compare the laws on them.</p>");
    }
    return t.toString();
  }

  /** Each checked prediction against its trained twin. */
  private static String checks(BranchPredictions p) {
    List<PredictedBranch> v = p.verified();
    if (v.isEmpty()) {
      return "";
    }
    long within = v.stream().filter(b -> Math.abs(b.z()) <= BranchPredictions.CHECK_LIMIT).count();
    long covered = v.stream().filter(PredictedBranch::covered).count();
    StringBuilder t = new StringBuilder("<h3>Predicted against trained</h3>");
    t.append(
        String.format(
            Locale.ROOT,
            "<p>%d predicted branches trained too: within %.0fx the evaluation noise for %d, the"
                + " trained loss inside the 95%% interval for %d; worst %.2fx the noise.</p>",
            v.size(),
            BranchPredictions.CHECK_LIMIT,
            within,
            covered,
            p.worst().map(b -> Math.abs(b.z())).orElse(Double.NaN)));
    t.append(
        "<table><tr><th>trial</th><th>width</th><th>tokens</th><th>predicted</th>"
            + "<th>95% interval</th><th>trained</th><th>noise</th><th>(predicted - trained) /"
            + " noise</th></tr>");
    for (PredictedBranch b : v) {
      t.append("<tr><td>")
          .append(b.trial().trialId())
          .append("</td><td>")
          .append(b.trial().width())
          .append("</td><td>")
          .append(b.trial().tokens())
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.4f", b.loss()))
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "[%.4f, %.4f]", b.low(), b.high()))
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.4f", b.twinLoss()))
          .append("</td><td>")
          .append(ReportWriter.fmt(b.checkNoise()))
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%+.2f", b.z()))
          .append("</td></tr>");
    }
    return t.append("</table>").toString();
  }

  /** Every law's parameters for one model, with their intervals. */
  private static String parameterTable(ModelPrediction m) {
    StringBuilder t =
        new StringBuilder(
            "<table><tr><th>law</th><th>parameter</th><th>estimate</th><th>CI low</th>"
                + "<th>CI high</th><th>meaning</th></tr>");
    for (CurveLawFit f : m.fits()) {
      if (f.fitted()) {
        CurveReportWriter.parameterRows(t, f.fit(), f.law().label(), true);
      }
    }
    return t.append("</table>").toString();
  }

  /**
   * Measured losses of the fitted and held-out curves, and the law over every curve (dashed over
   * the predicted branches' schedules); a curve and its law share a name, colour and legend entry.
   */
  private static Chart curvesChart(ModelPrediction m, CurveFit fit, String title) {
    Chart c = Chart.of(title, Axis.log("step"), Axis.linear("held-out loss (nats/token)"));
    List<String> names = new ArrayList<>();
    int i = 0;
    for (Curve curve : m.fitted()) {
      String name = i++ == 0 ? "trunk" : "branch to step " + curve.lastStep() + " (fitted)";
      names.add(name);
      c = c.with(points(name, curve));
    }
    for (Curve curve : m.heldOut()) {
      c = c.with(points("branch to step " + curve.lastStep() + " (held out)", curve));
    }
    List<Curve> drawn = new ArrayList<>(m.fitted());
    for (PredictedBranch b : m.predictions()) {
      drawn.add(ModelCurves.schedule(b.trial()));
    }
    // The law from the first logged loss on (before it, A·S1^-alpha runs off towards step 0).
    long first = Long.MAX_VALUE;
    for (Curve curve : m.fitted()) {
      for (int r = 0; r < curve.steps().length; r++) {
        if (!Double.isNaN(curve.loss()[r])) {
          first = Math.min(first, curve.steps()[r]);
        }
      }
    }
    int k = 0;
    for (Curve curve : drawn) {
      Curve dense = dense(curve);
      double[] pred = fit.predict(dense);
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (int r = 0; r < dense.steps().length; r++) {
        if (dense.steps()[r] >= first
            && dense.steps()[r] > 0
            && Double.isFinite(pred[r])
            && pred[r] > 0) {
          x.add((double) dense.steps()[r]);
          y.add(pred[r]);
        }
      }
      boolean predicted = k >= m.fitted().size();
      String name =
          predicted ? "predicted branch to step " + curve.lastStep() + " (law)" : names.get(k);
      k++;
      if (!x.isEmpty()) {
        c = c.with(Series.of(name, predicted ? Style.DASHED : Style.LINE, x, y));
      }
    }
    return c;
  }

  /** Residuals (measured - law) / noise of the fitted curves against step. */
  private static Chart residualChart(ModelPrediction m, CurveFit fit, String title) {
    Chart c = Chart.of(title, Axis.log("step"), Axis.linear("(loss - law) / evaluation noise"));
    int i = 0;
    for (Curve curve : m.fitted()) {
      double[] pred = fit.predict(curve);
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (int r = 0; r < curve.steps().length; r++) {
        double l = curve.loss()[r];
        if (!Double.isNaN(l) && curve.steps()[r] > 0 && Double.isFinite(pred[r])) {
          x.add((double) curve.steps()[r]);
          y.add((l - pred[r]) / m.noise());
        }
      }
      if (!x.isEmpty()) {
        c =
            c.with(
                Series.of(
                    i == 0 ? "trunk" : "branch to step " + curve.lastStep(), Style.POINTS, x, y));
      }
      i++;
    }
    return c;
  }

  /** The RMS of (measured - law) / noise over the fitted curves' logged losses. */
  static double rmsResidual(ModelPrediction m, CurveFit fit) {
    double sum = 0;
    int n = 0;
    for (Curve curve : m.fitted()) {
      double[] pred = fit.predict(curve);
      for (int r = 0; r < curve.steps().length; r++) {
        double l = curve.loss()[r];
        if (!Double.isNaN(l)) {
          double z = (l - pred[r]) / m.noise();
          sum += z * z;
          n++;
        }
      }
    }
    return n == 0 ? Double.NaN : Math.sqrt(sum / n);
  }

  /** A curve's logged losses as points against step. */
  private static Series points(String name, Curve curve) {
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (int r = 0; r < curve.steps().length; r++) {
      if (!Double.isNaN(curve.loss()[r]) && curve.steps()[r] > 0) {
        x.add((double) curve.steps()[r]);
        y.add(curve.loss()[r]);
      }
    }
    return Series.of(name, Style.POINTS, x, y);
  }

  /** {@code curve}'s schedule with rows every 1/{@value #DENSE} of its steps, for drawing. */
  static Curve dense(Curve curve) {
    TreeSet<Long> steps = new TreeSet<>();
    for (long s : curve.steps()) {
      steps.add(s);
    }
    long last = curve.lastStep();
    long first = curve.steps()[0];
    for (int k = 0; k <= DENSE; k++) {
      steps.add(first + Math.round((double) (last - first) * k / DENSE));
    }
    long[] s = steps.stream().mapToLong(Long::longValue).toArray();
    double[] lr = new double[s.length];
    double[] loss = new double[s.length];
    for (int i = 0; i < s.length; i++) {
      lr[i] = curve.lrAt(s[i]);
      loss[i] = Double.NaN;
    }
    return new Curve(curve.run(), s, lr, loss);
  }

  private static String pct(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : "";
  }
}
