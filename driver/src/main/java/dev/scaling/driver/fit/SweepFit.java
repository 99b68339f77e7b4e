package dev.scaling.driver.fit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaling.common.fit.BootstrapResult;
import dev.scaling.common.fit.ComputeOptimal;
import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.LawFit;
import dev.scaling.common.fit.LawForm;
import dev.scaling.common.fit.ScalingAnalysis;
import dev.scaling.common.fit.ScalingFitter;
import dev.scaling.driver.report.CurveSample;
import dev.scaling.driver.report.ReportWriter;
import dev.scaling.driver.report.TrialPoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fits the laws over finished trials and writes {@code OUT/fits} and {@code OUT/report}: the one
 * call both {@code ./sweep fit} and the end of {@code ./sweep run} make.
 */
public final class SweepFit {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SweepFit() {}

  /**
   * Fits {@code forms} over {@code rows}, writes the fits table and the report under {@code
   * outDir}, and returns what was done (the summary and JSON are returned, not printed).
   */
  public static FitOutcome fitAndReport(
      List<TrialPoint> rows,
      List<CurveSample> curves,
      Double entropyFloor,
      List<String> notes,
      FitOptions options,
      List<LawForm> forms,
      Path outDir) {
    ScalingAnalysis a =
        new ScalingFitter(options).analyse(rows.stream().map(TrialPoint::point).toList(), forms);
    Path fits = FitsTable.write(a, outDir.resolve("fits"));
    Path report = ReportWriter.write(a, rows, curves, entropyFloor, notes, outDir);
    return new FitOutcome(a, fits, report, notes, summary(a, notes, entropyFloor), json(a));
  }

  /** A few lines for people: each law's parameters with intervals, the backtest, the warnings. */
  public static String summary(ScalingAnalysis a, List<String> notes, Double entropyFloor) {
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "fit: %d rows, huber delta %g%n",
                a.points().size(),
                a.options().huberDelta()));
    notes.forEach(n -> s.append("  note: ").append(n).append('\n'));
    for (LawFit f : a.fits()) {
      s.append(
          String.format(
              Locale.ROOT,
              "  %-10s objective %.6e (%d rows, %d starts, %d ms):",
              f.form().label(),
              f.fit().objective(),
              f.fit().nPoints(),
              f.fit().starts(),
              f.fit().millis()));
      for (Map.Entry<String, Double> e : f.fit().params().named().entrySet()) {
        Interval ci = f.bootstrap() == null ? null : f.bootstrap().get(e.getKey());
        s.append(String.format(Locale.ROOT, " %s=%.4g", e.getKey(), e.getValue()));
        if (ci != null) {
          s.append(String.format(Locale.ROOT, " [%.4g, %.4g]", ci.lo(), ci.hi()));
        }
      }
      if (f.fit().isAtBound()) {
        s.append(" (at bound: ").append(f.fit().boundNote()).append(')');
      }
      s.append('\n');
      if (f.backtest() != null) {
        s.append(
            String.format(
                Locale.ROOT,
                "  %-10s backtest: mean rel. error %.3f%% on %d highest-compute rows%n",
                f.form().label(),
                100 * f.backtest().meanRelError(),
                f.backtest().heldOutRows()));
      }
    }
    for (ScalingAnalysis.Skipped k : a.skipped()) {
      s.append(
          String.format(Locale.ROOT, "  %-10s not fitted: %s%n", k.form().label(), k.reason()));
    }
    a.computeOptimal()
        .ifPresent(
            o ->
                s.append(
                    String.format(
                        Locale.ROOT,
                        "  compute-optimal: N_opt ~ C^%.4f, D_opt ~ C^%.4f%n",
                        o.a(),
                        o.b())));
    if (entropyFloor != null) {
      s.append(String.format(Locale.ROOT, "  true entropy floor %.4f%n", entropyFloor));
    }
    a.warnings().forEach(w -> s.append("  warning: ").append(w.message()).append('\n'));
    return s.toString();
  }

  /**
   * The JSON object of the command-line contract: n, and per law form, objective, params, ci, the
   * parameters at a bound, the compute-optimal allocation where the law has one, and the backtest;
   * then the forms not fitted and the warnings.
   */
  public static String json(ScalingAnalysis a) {
    ObjectNode root = JSON.createObjectNode();
    root.put("n", a.points().size());
    ArrayNode fits = root.putArray("fits");
    for (LawFit f : a.fits()) {
      ObjectNode o = fits.addObject();
      o.put("form", f.form().label());
      o.put("objective", f.fit().objective());
      o.put("delta", f.fit().delta());
      o.put("n_points", f.fit().nPoints());
      ObjectNode p = o.putObject("params");
      f.fit().params().named().forEach(p::put);
      ArrayNode bound = o.putArray("at_bound");
      f.fit().atBound().forEach(bound::add);
      ObjectNode ci = o.putObject("ci");
      BootstrapResult b = f.bootstrap();
      if (b != null) {
        b.intervals().forEach((k, v) -> ci.putArray(k).add(v.lo()).add(v.hi()));
        b.allocation().forEach((k, v) -> ci.putArray(k.label()).add(v.lo()).add(v.hi()));
      }
      f.computeOptimal()
          .ifPresent(
              c -> {
                ObjectNode co = o.putObject("compute_optimal");
                co.put("compute", a.optimalCompute());
                for (ComputeOptimal.Quantity q : ComputeOptimal.Quantity.values()) {
                  co.put(q.label(), q.of(c, a.optimalCompute()));
                }
              });
      if (f.backtest() != null) {
        o.putObject("backtest")
            .put("mean_rel_error", f.backtest().meanRelError())
            .put("max_rel_error", f.backtest().maxRelError())
            .put("held_out", f.backtest().heldOutRows());
      }
    }
    ArrayNode skipped = root.putArray("not_fitted");
    a.skipped()
        .forEach(k -> skipped.addObject().put("form", k.form().label()).put("reason", k.reason()));
    ArrayNode w = root.putArray("warnings");
    a.warnings().forEach(x -> w.add(x.message()));
    return root.toString();
  }
}
