package dev.scaling.driver;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The application's entry point, as spark-submit and the {@code ./sweep} launcher call it: {@code run}
 * trains a sweep, {@code fit} fits scaling laws to a table of (N, D, loss) rows.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    subcommands = {RunCommand.class},
    description = "Scaling-law sweeps on Spark.")
public final class SweepMain {

  /** Parses the arguments, runs the chosen command and returns its exit code. */
  public static int run(String... args) {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    return new CommandLine(new SweepMain()).execute(args);
  }

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
  }
}
