package dev.scaling.driver;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.driver.bench.BenchCommand;
import dev.scaling.driver.fit.FitCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The application's entry point, as spark-submit and the {@code ./sweep} launcher call it: {@code run}
 * trains a sweep, {@code fit} fits scaling laws to a table of (N, D, loss) rows, {@code bench} measures
 * the trainer, the fitter and a sweep's schedule against their bounds and peers.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    subcommands = {RunCommand.class, FitCommand.class, BenchCommand.class},
    description = "Run neural scaling-law sweeps on Spark and fit laws to the results.")
public final class SweepMain {

  /** Parses the arguments, runs the chosen command and returns its exit code. */
  public static int run(String... args) {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    return commandLine().execute(args);
  }

  /**
   * The command line with its error handling: bad input (an {@link IllegalArgumentException} such as a
   * spec error, or a missing file) prints one line naming field, rule and value and exits with 2; an
   * {@link InvariantViolation} is a bug: it prints the trace and exits with {@value InvariantViolation#EXIT_CODE}.
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new SweepMain());
    // Bad input is the user's to fix: print the message that names field, rule and value, not a trace.
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof IllegalArgumentException || e instanceof java.io.FileNotFoundException) {
            cmd.getErr().println("error: " + e.getMessage());
            cmd.getErr().flush();
            return 2;
          }
          if (e instanceof InvariantViolation) {
            cmd.getErr().println("internal error (a bug, not your input; please report it with this trace): " + e.getMessage());
            e.printStackTrace(cmd.getErr());
            cmd.getErr().flush();
            return InvariantViolation.EXIT_CODE;
          }
          throw e;
        });
    return cli;
  }

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
  }
}
