package dev.scaling.driver.fit;

import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.fit.LawForm;
import dev.scaling.common.fit.StartGrid;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./sweep fit}: fits the scaling laws to a CSV or Parquet table and writes {@code OUT/fits}
 * (Parquet) and {@code OUT/report/index.html}; prints a summary and, with --json, one JSON object as
 * the last line of standard output.
 */
@Command(name = "fit", mixinStandardHelpOptions = true,
    description = "Fit scaling laws to a table of (N, D, loss) rows and write fits and a report.")
public final class FitCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, description = "CSV with header, or Parquet file or folder")
  Path input;

  @Option(names = "--out", required = true, description = "output folder (fits/, report/)")
  Path out;

  @Option(names = "--n-col", description = "parameter-count column (default n_params, else N)")
  String nCol;

  @Option(names = "--d-col", description = "token-count column (default tokens, else D)")
  String dCol;

  @Option(names = "--loss-col", description = "loss column (default final_eval_loss, else loss)")
  String lossCol;

  @Option(names = "--form", defaultValue = "all", description = "chinchilla, kaplan or all")
  String form;

  @Option(names = "--huber-delta", defaultValue = "1e-3", description = "Huber delta on log residuals")
  double huberDelta;

  @Option(names = "--bootstrap", defaultValue = "1000", description = "bootstrap resamples (0 for none)")
  int bootstrap;

  @Option(names = "--seed", defaultValue = "20240917", description = "bootstrap seed")
  long seed;

  @Option(names = "--backtest-share", defaultValue = "0.2", description = "share of highest-compute rows held out")
  double backtestShare;

  @Option(names = "--grid", defaultValue = "full", description = "start grid: full or coarse")
  String grid;

  @Option(names = "--drop-invalid", description = "skip rows with missing or non-positive values")
  boolean dropInvalid;

  @Option(names = "--json", description = "print the fits as one JSON object on the last line")
  boolean json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  FitOutcome outcome;

  /** Entry point for running the command alone. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new FitCommand()).execute(args));
  }

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
    List<LawForm> forms = switch (form.toLowerCase(java.util.Locale.ROOT)) {
      case "all" -> List.of(LawForm.CHINCHILLA, LawForm.KAPLAN);
      case "chinchilla" -> List.of(LawForm.CHINCHILLA);
      case "kaplan" -> List.of(LawForm.KAPLAN);
      default -> throw new IllegalArgumentException("form must be chinchilla, kaplan or all, found " + form);
    };
    FitOptions options = new FitOptions(huberDelta, StartGrid.valueOf(grid.toUpperCase(java.util.Locale.ROOT)),
        bootstrap, seed, 0.95, backtestShare, Double.NaN);
    InputTable table = TableReader.read(input, nCol, dCol, lossCol, dropInvalid);
    outcome = SweepFit.fitAndReport(table.rows(), List.of(), null, table.notes(), options, forms, out);
    outWriter.print(outcome.summary());
    outWriter.println("fits: " + outcome.fitsFile());
    outWriter.println("report: " + outcome.report());
    if (json) {
      outWriter.println(outcome.json());
    }
    outWriter.flush();
    return outcome;
  }
}
