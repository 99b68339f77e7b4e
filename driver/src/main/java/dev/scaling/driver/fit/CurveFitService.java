package dev.scaling.driver.fit;

import dev.scaling.common.curve.Curve;
import dev.scaling.common.curve.CurveAccuracy;
import dev.scaling.common.curve.CurveFit;
import dev.scaling.common.curve.CurveFitter;
import dev.scaling.common.curve.CurveLaw;
import dev.scaling.common.curve.CurveLawForm;
import dev.scaling.common.fit.Interval;
import dev.scaling.common.spec.SpecException;
import dev.scaling.driver.report.CurveEvaluation;
import dev.scaling.driver.report.CurvePrediction;
import dev.scaling.driver.report.CurveReportWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The work of {@code ./sweep fit --curves}: checks which runs to fit on and predict, fits the law
 * (or takes given parameters), predicts every row of every training and predicted run with the
 * bootstrap band where there is one, and writes {@code OUT/curve_fits}, {@code
 * OUT/curve_predictions} and {@code OUT/report/curves.html}.
 */
public final class CurveFitService {
  /** The fewest logged losses a training run may have. */
  public static final int MIN_TRAIN_LOSSES = 3;

  /** How many run names a message lists before "...". */
  private static final int LISTED = 20;

  private CurveFitService() {}

  /** The training and predicted runs of a request, checked against the table. */
  record Selection(List<Curve> train, Set<String> predict) {}

  /**
   * Checks the request's runs against its table, fits or takes the given parameters, predicts, and
   * writes the tables and the report under {@code outDir} (the three are written into a temporary
   * folder there first, then moved into place); the SpecExceptions of bad input come before any
   * fitting.
   */
  public static CurveFitOutcome fitAndWrite(CurveFitRequest request, Path outDir) {
    CurveEvaluation e = evaluate(request);
    Path staging = SweepFit.staging(outDir);
    try {
      CurveTables.Provenance provenance = CurveTables.Provenance.now(request);
      CurveTables.writeFits(e, provenance, staging.resolve(CurveTables.FITS));
      CurveTables.writePredictions(e, staging.resolve(CurveTables.PREDICTIONS));
      CurveReportWriter.write(e, request.options(), staging.resolve(CurveReportWriter.FILE));
      for (String part : List.of(CurveTables.FITS, CurveTables.PREDICTIONS)) {
        Path target = outDir.resolve(part);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          Files.move(target, staging.resolve("old-" + part));
        }
        Files.move(staging.resolve(part), target);
      }
      Path report = outDir.resolve("report").resolve(CurveReportWriter.FILE);
      Files.createDirectories(report.getParent());
      Files.move(
          staging.resolve(CurveReportWriter.FILE),
          report,
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      Path fits = outDir.resolve(CurveTables.FITS).resolve(CurveTables.PART);
      Path predictions = outDir.resolve(CurveTables.PREDICTIONS).resolve(CurveTables.PART);
      return new CurveFitOutcome(
          e, fits, predictions, report, summary(e, request, fits, predictions, report));
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write the curve fit into " + outDir, ex);
    } finally {
      SweepFit.deleteTree(staging);
    }
  }

  /** Checks, fits (or takes the given parameters) and predicts; writes nothing. */
  public static CurveEvaluation evaluate(CurveFitRequest request) {
    Selection s = select(request);
    CurveLawForm form = request.law();
    CurveFit fit =
        request.params() != null
            ? CurveFit.given(form, request.params())
            : CurveFitter.fit(form, s.train(), request.options());
    Set<String> trained = s.train().stream().map(Curve::run).collect(Collectors.toSet());
    List<CurvePrediction> runs = new ArrayList<>();
    for (Curve c : request.table().curves()) {
      boolean isTrain = trained.contains(c.run());
      boolean isPredict = s.predict().contains(c.run());
      if (isTrain || isPredict) {
        runs.add(predict(fit, c, isTrain, isPredict, request.options().confidence()));
      }
    }
    return new CurveEvaluation(
        fit,
        request.params() != null,
        request.table().source(),
        request.table().lossColumn(),
        runs,
        request.table().notes());
  }

  /**
   * The training and predicted runs: {@code --train} (default every run, none with given
   * parameters) and {@code --predict} (default the runs not trained on, else the training runs),
   * each name checked against the table, each training run with at least {@value #MIN_TRAIN_LOSSES}
   * logged losses when fitting.
   */
  static Selection select(CurveFitRequest request) {
    CurvesTable table = request.table();
    boolean fitting = request.params() == null;
    List<String> trainNames =
        !request.train().isEmpty()
            ? known(table, request.train(), "--train")
            : fitting ? table.runs() : List.of();
    List<Curve> train = trainNames.stream().map(table::curve).toList();
    if (fitting) {
      for (Curve c : train) {
        if (c.loggedLosses() < MIN_TRAIN_LOSSES) {
          throw SpecException.of(
              request.train().isEmpty() ? "--curves" : "--train",
              String.format(
                  Locale.ROOT,
                  "run %s has %d logged losses in column %s of %s; every training run needs at"
                      + " least %d (%s)",
                  TableReader.printable(c.run(), 60),
                  c.loggedLosses(),
                  table.lossColumn(),
                  table.source(),
                  MIN_TRAIN_LOSSES,
                  request.train().isEmpty()
                      ? "name the runs to fit on with --train"
                      : "leave it out of --train"));
        }
      }
    }
    Set<String> predict = new LinkedHashSet<>();
    if (!request.predict().isEmpty()) {
      predict.addAll(known(table, request.predict(), "--predict"));
    } else {
      for (String run : table.runs()) {
        if (!trainNames.contains(run)) {
          predict.add(run);
        }
      }
      if (predict.isEmpty()) {
        predict.addAll(trainNames);
      }
    }
    return new Selection(train, predict);
  }

  /** {@code names} without repeats, each a run of {@code table}, else a SpecException. */
  private static List<String> known(CurvesTable table, List<String> names, String option) {
    Set<String> out = new LinkedHashSet<>();
    for (String n : names) {
      String name = n.trim();
      if (table.curve(name) == null) {
        List<String> runs = table.runs();
        String found =
            runs.stream().limit(LISTED).map(r -> TableReader.printable(r, 60)).toList().toString();
        if (runs.size() > LISTED) {
          found = found.substring(0, found.length() - 1) + ", ... " + (runs.size() - LISTED) + "]";
        }
        throw new SpecException(
            option,
            "runs of "
                + table.source()
                + " (column "
                + (table.layout() == CurvesTable.Layout.SWEEP ? "trial_id" : "run")
                + "; "
                + runs.size()
                + " runs found: "
                + found
                + ")",
            name);
      }
      out.add(name);
    }
    return List.copyOf(out);
  }

  /**
   * Parses {@code --params NAME=VALUE,...}: every parameter of {@code form}'s law once, by name,
   * each a finite number (positive where the law needs it); returns them in the law's order.
   */
  public static double[] parseParams(CurveLawForm form, String text) {
    CurveLaw law = form.law();
    List<String> names = law.parameterNames();
    String rule =
        "NAME=VALUE,... giving each parameter of "
            + form.label()
            + " once ("
            + String.join(", ", names)
            + ")";
    double[] values = new double[names.size()];
    boolean[] seen = new boolean[names.size()];
    if (text == null || text.isBlank()) {
      throw new SpecException("--params", rule, text);
    }
    for (String item : text.split(",", -1)) {
      int eq = item.indexOf('=');
      if (eq < 0) {
        throw new SpecException("--params", rule, item.trim());
      }
      String name = item.substring(0, eq).trim();
      int k = names.indexOf(name);
      if (k < 0) {
        throw new SpecException("--params", rule, "unknown name " + name);
      }
      if (seen[k]) {
        throw new SpecException("--params", rule, name + " given twice");
      }
      String v = item.substring(eq + 1).trim();
      double value;
      try {
        value = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        value = Double.NaN;
      }
      if (!Double.isFinite(value)) {
        throw new SpecException("--params", rule + " with finite numbers", name + "=" + v);
      }
      if (law.positive()[k] && !(value > 0)) {
        throw new SpecException(
            "--params", "positive for " + name + " (" + form.label() + ")", name + "=" + v);
      }
      seen[k] = true;
      values[k] = value;
    }
    List<String> missing = new ArrayList<>();
    for (int k = 0; k < names.size(); k++) {
      if (!seen[k]) {
        missing.add(names.get(k));
      }
    }
    if (!missing.isEmpty()) {
      throw new SpecException("--params", rule, "no " + String.join(", ", missing));
    }
    return values;
  }

  /** The prediction of one run, with the bootstrap draws' band when the fit has draws. */
  static CurvePrediction predict(
      CurveFit fit, Curve curve, boolean trainedOn, boolean predicted, double confidence) {
    double[] loss = fit.predict(curve);
    double[] low = null;
    double[] high = null;
    if (!fit.draws().isEmpty()) {
      Interval[] band = fit.predictionIntervals(curve, confidence);
      low = new double[band.length];
      high = new double[band.length];
      for (int i = 0; i < band.length; i++) {
        low[i] = band[i] == null ? Double.NaN : band[i].lo();
        high[i] = band[i] == null ? Double.NaN : band[i].hi();
      }
    }
    return new CurvePrediction(
        curve, trainedOn, predicted, loss, low, high, CurveAccuracy.of(curve, loss));
  }

  /** The printed summary: the law, its parameters, each run's errors and the mean. */
  static String summary(
      CurveEvaluation e, CurveFitRequest request, Path fits, Path predictions, Path report) {
    StringBuilder s = new StringBuilder();
    CurveFit fit = e.fit();
    List<String> names = fit.form().law().parameterNames();
    double[] p = fit.params();
    if (e.given()) {
      s.append(
          String.format(
              Locale.ROOT,
              "curve law %s, given parameters (not fitted), on %s (loss column %s)%s%n",
              fit.form().label(),
              e.source(),
              e.lossColumn(),
              e.runs().stream().anyMatch(CurvePrediction::trainedOn)
                  ? "; the --train runs are marked train and left out of the mean"
                  : ""));
    } else {
      s.append(
          String.format(
              Locale.ROOT,
              "curve law %s fitted on %d runs (%s), %d logged losses, Huber delta %s, objective"
                  + " %.6g, %s, %d bootstrap resamples; %s (loss column %s)%n",
              fit.form().label(),
              fit.trainRuns().size(),
              String.join(", ", fit.trainRuns()),
              fit.points(),
              Double.toString(request.options().huberDelta()),
              fit.objective(),
              fit.converged() ? "converged" : "NOT converged",
              fit.draws().size(),
              e.source(),
              e.lossColumn()));
    }
    for (String note : e.notes()) {
      s.append("note: ").append(note).append('\n');
    }
    int width = Math.max(9, names.stream().mapToInt(String::length).max().orElse(0));
    s.append(
        String.format(
            Locale.ROOT,
            "  %-" + width + "s %14s  %s%n",
            "parameter",
            "value",
            fit.intervals().isEmpty()
                ? ""
                : Math.round(request.options().confidence() * 100) + "% interval"));
    for (int k = 0; k < names.size(); k++) {
      Interval ci = fit.intervals().isEmpty() ? null : fit.intervals().get(k);
      s.append(
          String.format(
              Locale.ROOT,
              "  %-" + width + "s %14.8g  %s%n",
              names.get(k),
              p[k],
              ci == null
                  ? ""
                  : String.format(Locale.ROOT, "[%.6g, %.6g]", ci.lo(), ci.hi())
                      + (CurveReportWriter.caveat(ci) == null
                          ? ""
                          : "  (" + CurveReportWriter.caveat(ci) + ")")));
    }
    int runWidth = Math.max(3, e.runs().stream().mapToInt(r -> r.run().length()).max().orElse(0));
    s.append(
        String.format(
            Locale.ROOT,
            "  %-" + runWidth + "s  %-14s %7s %13s %14s %9s%n",
            "run",
            "role",
            "points",
            "mean rel err",
            "worst rel err",
            "R^2"));
    for (CurvePrediction r : e.runs()) {
      CurveAccuracy a = r.accuracy();
      s.append(
          String.format(
              Locale.ROOT,
              "  %-" + runWidth + "s  %-14s %7d %13s %14s %9s%n",
              r.run(),
              r.role(),
              a.points(),
              percent(a.meanRelativeError()),
              percent(a.worstRelativeError()),
              Double.isNaN(a.r2()) ? "-" : String.format(Locale.ROOT, "%.5f", a.r2())));
    }
    CurveEvaluation.Mean m = e.mean();
    s.append(
        String.format(
            Locale.ROOT,
            "mean over %d predicted runs: mean relative error %s, worst %s, mean R^2 %s%n",
            m.runs(),
            percent(m.meanRelativeError()),
            percent(m.worstRelativeError()),
            Double.isNaN(m.meanR2()) ? "-" : String.format(Locale.ROOT, "%.5f", m.meanR2())));
    s.append("curve_fits: ").append(fits).append('\n');
    s.append("curve_predictions: ").append(predictions).append('\n');
    s.append("report: ").append(report).append('\n');
    return s.toString();
  }

  /** A relative error as a percentage with three decimals, "-" when there is none. */
  static String percent(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f%%", 100 * v);
  }
}
