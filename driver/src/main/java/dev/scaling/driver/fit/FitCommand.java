package dev.scaling.driver.fit;

import dev.scaling.common.fit.ApproachKind;
import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.fit.LawForm;
import dev.scaling.common.fit.ScalingFitter;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.common.fit.StartGrid;
import dev.scaling.common.spec.SpecException;
import dev.scaling.driver.FitOptionsMixin;
import dev.scaling.driver.OptionRules;
import dev.scaling.driver.PredictedRowsMixin;
import dev.scaling.driver.report.TrialPoint;
import dev.scaling.driver.spark.HadoopConfs;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./sweep fit}: fits the scaling laws to a CSV or Parquet table and writes {@code OUT/fits}
 * (Parquet) and {@code OUT/report/index.html}; prints a summary and, with --json, one JSON object
 * as the last line of standard output. The input may be a local path or any Hadoop file-system URI
 * (hdfs:, s3a:), read with the {@code spark.hadoop.*} settings of the Spark configuration.
 */
@Command(
    name = "fit",
    mixinStandardHelpOptions = true,
    description = "Fit scaling laws to a table of (N, D, loss) rows and write fits and a report.")
public final class FitCommand implements Callable<Integer> {
  @Option(
      names = "--input",
      required = true,
      description =
          "CSV with header, or Parquet file or folder: a local path or a Hadoop URI (hdfs://, s3a://)")
  String input;

  @Option(names = "--out", required = true, description = "output folder (fits/, report/)")
  Path out;

  @Option(names = "--n-col", description = "parameter-count column (default n_params, else N)")
  String nCol;

  @Option(names = "--d-col", description = "token-count column (default tokens, else D)")
  String dCol;

  @Option(
      names = "--loss-col",
      description =
          "loss column (default final_eval_loss, else loss; eval_bits_per_byte compares sweeps with"
              + " different tokenizers)")
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

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  FitOutcome outcome;

  /** Parses {@code args}, runs the fit and returns its outcome; throws on bad input. */
  public static FitOutcome run(String... args) {
    FitCommand cmd = new FitCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.fit(new PrintWriter(System.out, true));
  }

  @Override
  public Integer call() {
    fit(spec.commandLine().getOut());
    return 0;
  }

  FitOutcome fit(PrintWriter outWriter) {
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
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new SpecException(
          "--out", "a folder to write fits/ and report/ into (new or existing), not a file", out);
    }
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
