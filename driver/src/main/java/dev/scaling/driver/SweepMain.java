package dev.scaling.driver;

import dev.scaling.driver.fit.FitCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./sweep} entry point: dispatches to the {@code run} and {@code fit} subcommands. */
@Command(name = "sweep", mixinStandardHelpOptions = true, subcommands = {FitCommand.class},
    description = "Run neural scaling-law sweeps on Spark and fit laws to the results.")
public final class SweepMain {
  /** Runs and exits with the subcommand's status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status. */
  public static int run(String... args) {
    return new CommandLine(new SweepMain()).execute(args);
  }
}
