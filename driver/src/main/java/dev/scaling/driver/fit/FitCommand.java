package dev.scaling.driver.fit;

import dev.scaling.common.batch.BatchFitOptions;
import dev.scaling.common.curve.CurveFitOptions;
import dev.scaling.common.curve.CurveLawForm;
import dev.scaling.common.fit.ApproachKind;
import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.fit.LawForm;
import dev.scaling.common.fit.ScalingFitter;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.common.fit.StartGrid;
import dev.scaling.common.hparams.BatchLawInputs;
import dev.scaling.common.hparams.HparamsFit;
import dev.scaling.common.hparams.HparamsFitter;
import dev.scaling.common.hparams.HparamsOptions;
import dev.scaling.common.spec.SpecException;
import dev.scaling.driver.FitOptionsMixin;
import dev.scaling.driver.OptionRules;
import dev.scaling.driver.PredictedRowsMixin;
import dev.scaling.driver.batch.SweepBatchFit;
import dev.scaling.driver.report.HparamsSection;
import dev.scaling.driver.report.TrialPoint;
import dev.scaling.driver.spark.HadoopConfs;
import dev.scaling.driver.sweep.FinishedSweep;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./sweep fit}: with {@code --input}, fits the scaling laws to a CSV or Parquet table and
 * writes {@code OUT/fits} (Parquet) and {@code OUT/report/index.html}; prints a summary and, with
 * --json, one JSON object as the last line of standard output. With {@code --curves}, fits a whole
 * learning-curve law ({@code --law}) to some runs of a curves table and predicts others, writing
 * {@code OUT/curve_fits}, {@code OUT/curve_predictions} and {@code OUT/report/curves.html} (the
 * work is {@link CurveFitService}'s). With {@code --form hparams}, fits the hyperparameter laws
 * lr*(N, D) and B*(D) to a learning-rate x batch-size table ({@link #runHparams}). Inputs may be
 * local paths or any Hadoop file-system URI (hdfs:, s3a:), read with the {@code spark.hadoop.*}
 * settings of the Spark configuration.
 */
@Command(
    name = "fit",
    mixinStandardHelpOptions = true,
    description = {
      "Fit scaling laws to a table of (N, D, loss) rows (--input), or a learning-curve law to the"
          + " runs of a curves table (--curves), and write fits and a report.",
      "",
      "With --curves: --law mpl|annealing is required; --train RUN,... names the runs to fit on"
          + " (default: all), --predict RUN,... the runs to predict (default: the others, else the"
          + " training runs); --params NAME=VALUE,... evaluates given parameters instead of"
          + " fitting; --bootstrap defaults to "
          + FitCommand.CURVES_BOOTSTRAP
          + " (a curve fit is slower than a table fit).",
      "",
      "With --input and --form batch: a steps-to-target table (one row per run: steps to first"
          + " reach a target loss at a batch size) is fitted per (--group-col, --target-col) to"
          + " S = S_min + E_min/B by least squares on log S, B_crit = E_min/S_min (in the unit of"
          + " --batch-col, default batch_tokens; --steps-col default steps, --target-col default"
          + " target_loss, no --group-col: one group 'all'); then B_crit(L) = B_*/L^(1/alpha_B)"
          + " (bcrit_law) across 2 or more targets, per group and pooled, and with --n-col"
          + " (parameters per group) L(N, S_min) = (N_c/N)^alpha_N + (S_c/S_min)^alpha_S"
          + " (kaplan_s) over 2 or more groups. --targets LOSS,... keeps those targets. Writes"
          + " OUT/fits (forms batch, bcrit_law, kaplan_s); --json prints a 'batch' list. With a"
          + " sweep's output folder as --input: its batch study again, from the trials' curves, at"
          + " --targets (or targets chosen inside the range every batch size reaches), writing"
          + " OUT/fits and OUT/report/index.html; the column options do not apply.",
      "",
      "With --input and --form hparams: the hyperparameter laws lr* = lr_c N^lr_a_N D^lr_b_D and"
          + " B* = bs_c D^bs_e_D (tokens; --bs-on N,D adds N^bs_a_N) over the runs within"
          + " --tolerance of their (N, D) cell's best loss, with bootstrap intervals over cells."
    })
public final class FitCommand implements Callable<Integer> {
  /**
   * The bootstrap resamples of a curve fit when --bootstrap is not given: each resample is a whole
   * multi-start fit of a law over every step of its runs, so the table fit's default would take far
   * longer than anyone waits.
   */
  public static final int CURVES_BOOTSTRAP = 100;

  /** Options that only the table fit (--input) reads. */
  private static final List<String> TABLE_ONLY =
      List.of(
          "--n-col",
          "--d-col",
          "--form",
          "--approach",
          "--compute-col",
          "--backtest-share",
          "--grid",
          "--drop-invalid",
          "--exclude-predicted",
          "--json",
          "--group-col",
          "--batch-col",
          "--steps-col",
          "--target-col",
          "--targets",
          "--tolerance",
          "--bs-on",
          "--smooth-col");

  /** Options that only the batch-size analysis (--form batch) reads. */
  private static final List<String> BATCH_ONLY =
      List.of("--group-col", "--steps-col", "--target-col", "--targets");

  /** The column options of a steps-to-target table: refused with a sweep's output folder. */
  private static final List<String> TABLE_COLUMNS =
      List.of("--group-col", "--steps-col", "--target-col", "--batch-col", "--n-col");

  /** Options that only the hyperparameter laws (--form hparams) read. */
  private static final List<String> HPARAMS_ONLY =
      List.of("--tolerance", "--bs-on", "--smooth-col");

  /**
   * Options of the table fit and the curve fit that the batch-size analysis does not read: it fits
   * steps to a target by least squares, per (group, target), with no compute-optimal approaches.
   */
  private static final List<String> NOT_BATCH =
      List.of(
          "--d-col",
          "--loss-col",
          "--approach",
          "--compute-col",
          "--backtest-share",
          "--grid",
          "--drop-invalid",
          "--exclude-predicted",
          "--huber-delta",
          "--lr-col",
          "--tolerance",
          "--bs-on",
          "--smooth-col");

  /** Options the hyperparameter laws (--form hparams) do not read: refused there. */
  private static final List<String> NOT_HPARAMS =
      List.of(
          "--approach",
          "--compute-col",
          "--backtest-share",
          "--grid",
          "--drop-invalid",
          "--exclude-predicted",
          "--huber-delta",
          "--law",
          "--train",
          "--predict",
          "--params",
          "--run-col",
          "--step-col",
          "--group-col",
          "--steps-col",
          "--target-col",
          "--targets");

  /** Options that only the curve fit (--curves) reads. */
  private static final List<String> CURVES_ONLY =
      List.of("--law", "--train", "--predict", "--params", "--run-col", "--step-col", "--lr-col");

  @Option(
      names = "--input",
      description =
          "table of (N, D, loss) rows: CSV with header, or Parquet file or folder; a local path or"
              + " a Hadoop URI (hdfs://, s3a://). Exactly one of --input and --curves.")
  String input;

  @Option(
      names = "--curves",
      paramLabel = "TABLE",
      description =
          "learning curves: CSV or Parquet with columns run, step, lr, loss (one row per step, loss"
              + " empty where not logged, lr linear between rows), or a sweep's OUT (or"
              + " OUT/curves: runs are trial ids, loss eval_loss, branches joined to their trunk);"
              + " a local path or a Hadoop URI. Writes OUT/curve_fits, OUT/curve_predictions and"
              + " OUT/report/curves.html")
  String curves;

  @Option(
      names = "--law",
      description = "with --curves: the curve law, one of mpl (Multi-Power Law), annealing")
  String law;

  @Option(
      names = "--train",
      split = ",",
      paramLabel = "RUN",
      description = "with --curves: the runs to fit on, comma-separated (default: every run)")
  List<String> train;

  @Option(
      names = "--predict",
      split = ",",
      paramLabel = "RUN",
      description =
          "with --curves: the runs to predict (default: the runs not trained on, else the"
              + " training runs)")
  List<String> predict;

  @Option(
      names = "--params",
      paramLabel = "NAME=VALUE,...",
      description =
          "with --curves: evaluate these parameters (every one of the law's, by name) instead of"
              + " fitting, e.g. a paper's table")
  String params;

  @Option(names = "--run-col", description = "with --curves: run column (default run)")
  String runCol;

  @Option(names = "--step-col", description = "with --curves: step column (default step)")
  String stepCol;

  @Option(
      names = "--lr-col",
      description =
          "with --curves: learning-rate column (default lr); with --form hparams: the peak"
              + " learning rate (default learning_rate, else lr)")
  String lrCol;

  @Option(
      names = "--out",
      required = true,
      description =
          "output folder (fits/ and report/; with --curves curve_fits/,"
              + " curve_predictions/ and report/curves.html)")
  Path out;

  @Option(
      names = "--n-col",
      description =
          "parameter-count column (default n_params, else N); with --form batch: parameters per"
              + " group (no default), which enables the kaplan_s law L(N, S_min)")
  String nCol;

  @Option(names = "--d-col", description = "token-count column (default tokens, else D)")
  String dCol;

  @Option(
      names = "--loss-col",
      description =
          "loss column (default final_eval_loss, else loss; eval_bits_per_byte compares sweeps with"
              + " different tokenizers; with --curves default loss, or eval_loss for a sweep's"
              + " curves)")
  String lossCol;

  @Option(
      names = "--form",
      defaultValue = "all",
      description =
          "all (the default laws) or a comma-separated list of: chinchilla, kaplan, power_n, power_d")
  String form;

  @Option(
      names = "--approach",
      defaultValue = "all",
      description =
          "compute-optimal approaches: all or a comma-separated list of: envelope, isoflop,"
              + " parametric")
  String approach;

  @Option(
      names = "--compute-col",
      description =
          "training-compute column (FLOPs); rows are grouped into budgets by it (within 5%%), and"
              + " a missing N or D column is derived from C = 6ND (default: C = 6ND)")
  String computeCol;

  @Mixin FitOptionsMixin fit;

  @Mixin PredictedRowsMixin predicted;

  @Option(
      names = "--seed",
      defaultValue = "20240917",
      converter = OptionRules.AnyLong.class,
      description = "bootstrap seed")
  long seed;

  @Option(
      names = "--backtest-share",
      defaultValue = "0.2",
      converter = OptionRules.Share.class,
      description = "share of highest-compute rows held out")
  double backtestShare;

  @Option(names = "--grid", defaultValue = "full", description = "start grid: full or coarse")
  String grid;

  @Option(names = "--drop-invalid", description = "skip rows with missing or non-positive values")
  boolean dropInvalid;

  @Option(names = "--json", description = "print the fits as one JSON object on the last line")
  boolean json;

  @Option(
      names = "--group-col",
      description = "with --form batch: the column naming each group (model) fitted on its own")
  String groupCol;

  @Option(
      names = "--batch-col",
      description =
          "with --form batch or hparams: the batch-size column (tokens per optimizer step;"
              + " with --form hparams default batch_tokens, else batch)")
  String batchCol;

  @Option(
      names = "--steps-col",
      description = "with --form batch: the column of optimizer steps to reach the target")
  String stepsCol;

  @Option(names = "--target-col", description = "with --form batch: the target-loss column")
  String targetCol;

  @Option(
      names = "--targets",
      split = ",",
      paramLabel = "LOSS",
      description =
          "with --form batch: the target losses to fit, each one of the table's (default: every"
              + " target of the table; on a sweep's OUT, chosen inside the range every batch size"
              + " reaches)")
  List<Double> targets;

  @Option(
      names = "--tolerance",
      converter = OptionRules.Share.class,
      description =
          "with --form hparams: runs within this share of their (N, D) cell's best loss count as"
              + " optimal (default 0.0025, StepLaw's 0.25%%)")
  Double tolerance;

  @Option(
      names = "--bs-on",
      description = "with --form hparams: what the batch-size law depends on, D (default) or N,D")
  String bsOn;

  @Option(
      names = "--smooth-col",
      description =
          "with --form hparams: a smoothed-loss column ranked instead of the loss (default"
              + " smooth_loss when present)")
  String smoothCol;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  FitOutcome outcome;

  /** The options given, to tell a default from a value given (set by parsing). */
  private CommandLine.ParseResult parsed;

  /**
   * Parses {@code args} (with --input), runs the table fit and returns its outcome; throws on bad
   * input.
   */
  public static FitOutcome run(String... args) {
    FitCommand cmd = parse(args);
    if (cmd.curvesMode()) {
      throw new IllegalArgumentException("--curves given: use FitCommand.runCurves");
    }
    return cmd.fit(new PrintWriter(System.out, true));
  }

  /**
   * Parses {@code args} (with --curves), runs the curve fit, prints its summary and returns its
   * outcome; throws on bad input.
   */
  public static CurveFitOutcome runCurves(String... args) {
    FitCommand cmd = parse(args);
    if (!cmd.curvesMode()) {
      throw new IllegalArgumentException("--input given: use FitCommand.run");
    }
    return cmd.fitCurves(new PrintWriter(System.out, true));
  }

  /**
   * Parses {@code args} (with --input and --form hparams), fits the hyperparameter laws, writes
   * {@code OUT/fits} and {@code OUT/report/index.html}, prints the summary (and with --json the
   * JSON line) and returns the outcome; throws on bad input before writing anything.
   */
  public static HparamsOutcome runHparams(String... args) {
    FitCommand cmd = parse(args);
    if (!cmd.hparamsMode()) {
      throw new IllegalArgumentException(
          "--form hparams with --input expected: use FitCommand.run");
    }
    return cmd.fitHparams(new PrintWriter(System.out, true));
  }

  private static FitCommand parse(String... args) {
    FitCommand cmd = new FitCommand();
    cmd.parsed = new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  @Override
  public Integer call() {
    parsed = spec.commandLine().getParseResult();
    if (batchMode()) {
      fitBatch(spec.commandLine().getOut());
    } else if (hparamsMode()) {
      refuse(BATCH_ONLY, "without --form batch", "--form batch");
      fitHparams(spec.commandLine().getOut());
    } else if (curvesMode()) {
      fitCurves(spec.commandLine().getOut());
    } else {
      fit(spec.commandLine().getOut());
    }
    return 0;
  }

  /**
   * Parses {@code args} (with --input and --form batch), runs the batch-size analysis, prints its
   * summary (and with --json its JSON line) and returns its outcome; throws on bad input. With a
   * sweep's output folder as --input, the sweep's batch study at --targets (or automatic ones),
   * written as {@code OUT/fits} and {@code OUT/report/index.html} ({@link SweepBatchFit}).
   */
  public static BatchFitOutcome runBatch(String... args) {
    FitCommand cmd = parse(args);
    if (!cmd.batchMode()) {
      throw new IllegalArgumentException("not --input with --form batch: use FitCommand.run");
    }
    return cmd.fitBatch(new PrintWriter(System.out, true));
  }

  /**
   * Refuses each of {@code names} that was given: it does not apply to the mode in force ({@code
   * mode}, e.g. "without --form batch"), and {@code appliesTo} says where it does.
   */
  private void refuse(List<String> names, String mode, String appliesTo) {
    for (String name : names) {
      if (parsed.hasMatchedOption(name)) {
        throw new SpecException(
            name,
            "absent " + mode + " (it applies to " + appliesTo + ")",
            Objects.toString(parsed.matchedOption(name).getValue()));
      }
    }
  }

  /** Whether --form names the batch-size analysis ({@code --form batch}, with --input). */
  boolean batchMode() {
    return input != null && "batch".equals(form);
  }

  /** Whether --form names the hyperparameter laws ({@code --form hparams}, with --input). */
  boolean hparamsMode() {
    return input != null && "hparams".equals(form);
  }

  /**
   * The batch-size analysis of a steps-to-target table (--form batch): options checked, the table
   * read, everything fitted, and only then {@code OUT/fits} written ({@link BatchFitService}).
   */
  BatchFitOutcome fitBatch(PrintWriter outWriter) {
    curvesMode();
    for (String name : NOT_BATCH) {
      if (parsed.hasMatchedOption(name)) {
        throw new SpecException(
            name,
            "absent with --form batch (the batch-size analysis does not read it)",
            Objects.toString(parsed.matchedOption(name).getValue()));
      }
    }
    checkOut();
    BatchFitOptions options = new BatchFitOptions(fit.bootstrap(), seed, 0.95);
    if (FinishedSweep.isSweepOut(input, HadoopConfs.forDriver())) {
      refuse(
          TABLE_COLUMNS,
          "absent when --input is a sweep's output folder (the steps to each target are read from"
              + " its trials' curves, the models, batch sizes and N from their configurations)");
      BatchFitOutcome done =
          SweepBatchFit.fitAndWrite(input, HadoopConfs.forDriver(), targets, options, out);
      outWriter.print(done.summary());
      if (json) {
        outWriter.println(done.json());
      }
      outWriter.flush();
      return done;
    }
    StepsTable table =
        StepsTable.read(
            input,
            HadoopConfs.forDriver(),
            new StepsTable.Columns(groupCol, batchCol, stepsCol, targetCol, nCol));
    BatchFitOutcome done =
        BatchFitService.fitAndWrite(new BatchFitRequest(table, options, targets), out);
    outWriter.print(done.summary());
    if (json) {
      outWriter.println(done.json());
    }
    outWriter.flush();
    return done;
  }

  /**
   * The hyperparameter laws of an LR x batch table (--form hparams): options, table and cells
   * checked first, then {@code OUT/fits} and {@code OUT/report/index.html} written.
   */
  HparamsOutcome fitHparams(PrintWriter outWriter) {
    if (curves != null) {
      throw new SpecException(
          "--curves", "absent with --form hparams (it fits the table given by --input)", curves);
    }
    refuse(NOT_HPARAMS, "absent with --form hparams (it applies to other fits)");
    HparamsOptions options =
        new HparamsOptions(
            tolerance == null ? HparamsOptions.DEFAULT_TOLERANCE : tolerance,
            bsOn == null ? BatchLawInputs.D : BatchLawInputs.parse("--bs-on", bsOn),
            fit.bootstrap(),
            seed,
            0.95);
    checkOut();
    HparamsTableReader.HparamsTable table =
        HparamsTableReader.read(
            input,
            HadoopConfs.forDriver(),
            new HparamsTableReader.Asked(nCol, dCol, lrCol, batchCol, lossCol, smoothCol));
    String why = HparamsFitter.tooFewCells(table.runs());
    if (why != null) {
      throw SpecException.of("--input", input + ": " + why);
    }
    HparamsFit fitted = HparamsFitter.fit(table.runs(), options);
    HparamsSideFit side = new HparamsSideFit(fitted, table.notes());
    Path fitsFile = FitsTable.write(side.rows(), out.resolve("fits"));
    Path report = out.resolve("report").resolve("index.html");
    try {
      Files.createDirectories(report.getParent());
      Files.writeString(report, HparamsSection.page(fitted, table.notes()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + report, e);
    }
    StringBuilder summary = new StringBuilder();
    table.notes().forEach(n -> summary.append("note: ").append(n).append('\n'));
    side.summary().forEach(l -> summary.append(l).append('\n'));
    HparamsOutcome done =
        new HparamsOutcome(
            fitted, table.notes(), fitsFile, report, summary.toString(), side.json());
    outWriter.print(done.summary());
    outWriter.printf("fits: %s%nreport: %s%n", fitsFile, report);
    if (json) {
      outWriter.println(done.json());
    }
    outWriter.flush();
    return done;
  }

  /** Throws naming the first of {@code names} given, with {@code rule}. */
  private void refuse(List<String> names, String rule) {
    for (String name : names) {
      if (parsed.hasMatchedOption(name)) {
        throw new SpecException(
            name, rule, Objects.toString(parsed.matchedOption(name).getValue()));
      }
    }
  }

  /**
   * Whether this is a curve fit (--curves) rather than a table fit (--input); exactly one must be
   * given, and no option of the other kind.
   */
  boolean curvesMode() {
    if (input != null && curves != null) {
      throw new SpecException(
          "--curves",
          "given without --input (--input fits a table of (N, D, loss) rows, --curves a curve law"
              + " to learning curves)",
          "both --input and --curves");
    }
    if (input == null && curves == null) {
      throw new SpecException(
          "--input", "given (a table of (N, D, loss) rows), or --curves (learning curves)", null);
    }
    boolean curvesMode = curves != null;
    if (!hparamsMode()) {
      refuse(HPARAMS_ONLY, "absent without --form hparams (it applies to the hyperparameter laws)");
      if (!batchMode()) {
        refuse(
            List.of("--batch-col"),
            "absent without --form hparams or --form batch (it names their batch-size column)");
      }
    }
    for (String name : curvesMode ? TABLE_ONLY : CURVES_ONLY) {
      if (parsed.hasMatchedOption(name)) {
        throw new SpecException(
            name,
            "absent with "
                + (curvesMode
                    ? "--curves (it applies to --input)"
                    : "--input (it applies to --curves)"),
            Objects.toString(parsed.matchedOption(name).getValue()));
      }
    }
    return curvesMode;
  }

  /** The curve fit: options checked, then the table read, then {@link CurveFitService}. */
  CurveFitOutcome fitCurves(PrintWriter outWriter) {
    if (law == null) {
      throw new SpecException(
          "--law", "given with --curves: one of " + CurveLawForm.labels(), null);
    }
    CurveLawForm form = CurveLawForm.parse("--law", law);
    double[] given = params == null ? null : CurveFitService.parseParams(form, params);
    if (given != null && parsed.hasMatchedOption("--bootstrap")) {
      throw new SpecException(
          "--bootstrap",
          "absent with --params (given parameters are not fitted, so nothing is resampled)",
          fit.bootstrap());
    }
    checkOut();
    int bootstrap = parsed.hasMatchedOption("--bootstrap") ? fit.bootstrap() : CURVES_BOOTSTRAP;
    CurveFitOptions options =
        new CurveFitOptions(
            fit.huberDelta(), bootstrap, seed, 0.95, Runtime.getRuntime().availableProcessors());
    CurvesTable table =
        CurvesTableReader.read(
            curves,
            HadoopConfs.forDriver(),
            new CurvesTableReader.Columns(runCol, stepCol, lrCol, lossCol));
    CurveFitOutcome done =
        CurveFitService.fitAndWrite(
            CurveFitRequest.builder(table, form, options)
                .train(train)
                .predict(predict)
                .params(given)
                .build(),
            out);
    outWriter.print(done.summary());
    outWriter.flush();
    return done;
  }

  private void checkOut() {
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new SpecException(
          "--out", "a folder to write fits/ and report/ into (new or existing), not a file", out);
    }
  }

  FitOutcome fit(PrintWriter outWriter) {
    refuse(BATCH_ONLY, "without --form batch", "--form batch");
    refuse(HPARAMS_ONLY, "without --form hparams", "--form hparams");
    refuse(List.of("--batch-col"), "without --form batch or hparams", "those forms");
    List<LawForm> forms = LawForm.parseList("--form", form);
    List<ApproachKind> approaches = ApproachKind.parseList("--approach", approach);
    FitOptions options =
        new FitOptions(
            fit.huberDelta(),
            StartGrid.parse("--grid", grid),
            fit.bootstrap(),
            seed,
            0.95,
            backtestShare);
    checkOut();
    InputTable table =
        TableReader.read(
            input,
            HadoopConfs.forDriver(),
            nCol,
            dCol,
            lossCol,
            computeCol,
            dropInvalid,
            predicted.excludePredicted());
    List<ScalingPoint> points = table.rows().stream().map(TrialPoint::point).toList();
    List<String> why = new ArrayList<>();
    for (LawForm f : forms) {
      String reason = ScalingFitter.tooFewRows(f, points);
      if (reason == null) {
        why.clear();
        break;
      }
      why.add(reason);
    }
    if (!why.isEmpty()) {
      throw SpecException.of(
          "--input",
          input
              + " has too few rows for any law asked for ("
              + points.size()
              + " usable rows): "
              + String.join("; ", why));
    }
    outcome =
        SweepFit.fitAndReport(
            FitRequest.builder(table.rows(), options)
                .compute(table.computeOrNull())
                .notes(table.notes())
                .forms(forms)
                .approaches(approaches)
                .build(),
            out);
    outWriter.print(outcome.summary());
    outWriter.printf("fits: %s%nreport: %s%n", outcome.fitsFile(), outcome.report());
    if (json) {
      outWriter.println(outcome.json());
    }
    outWriter.flush();
    return outcome;
  }
}
