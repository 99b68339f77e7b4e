package dev.scaling.driver;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.SpecException;
import dev.scaling.driver.bench.BenchCommand;
import dev.scaling.driver.fit.FitCommand;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The application's entry point, as spark-submit and the {@code ./sweep} launcher call it: {@code
 * run} trains a sweep, {@code fit} fits scaling laws to a table of (N, D, loss) rows, {@code bench}
 * measures the trainer, the fitter and a sweep's schedule against their bounds and peers, {@code
 * plan} prints a sweep's plan and, with --power, what its fit can be expected to pin down.
 *
 * <p>Exit codes: 0 success; 2 the input is wrong (an option, the spec, an input file), with one
 * line naming the field, the rule and the value found; 3 a sweep ran but some trials failed or
 * diverged; 70 a bug (an {@link InvariantViolation} or any other unexpected exception), with its
 * trace; 74 an I/O failure of the environment (a file system or a peer process), with its trace.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    subcommands = {
      RunCommand.class,
      FitCommand.class,
      BenchCommand.class,
      PlanCommand.class,
      CoordCheckCommand.class
    },
    description = "Run neural scaling-law sweeps on Spark and fit laws to the results.")
public final class SweepMain {
  /** Exit code of bad input: an option, the spec or an input file breaks a rule. */
  public static final int EXIT_BAD_INPUT = 2;

  /** Exit code of an I/O failure that is not the input's fault (sysexits' EX_IOERR). */
  public static final int EXIT_IO = 74;

  /** Parses the arguments, runs the chosen command and returns its exit code. */
  public static int run(String... args) {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    return commandLine().execute(args);
  }

  /**
   * The command line with its error handling: bad input (a {@link ParameterException} from parsing,
   * a {@link SpecException}, a missing file) prints one line naming field, rule and value and exits
   * with 2; an I/O failure exits with 74; anything else is a bug: it prints the trace, says so and
   * exits with {@value InvariantViolation#EXIT_CODE}.
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new SweepMain());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(
        (e, args) -> {
          PrintWriter err = e.getCommandLine().getErr();
          err.println("error: " + describe(e, List.of(args)));
          err.println("(see: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
          err.flush();
          return EXIT_BAD_INPUT;
        });
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> report(e, cmd.getErr()));
    return cli;
  }

  /** Prints an exception from a command the way its kind calls for and returns the exit code. */
  static int report(Exception e, PrintWriter err) {
    SpecException spec = causeOfType(e, SpecException.class);
    try {
      if (spec != null) {
        err.println("error: " + spec.getMessage());
        return EXIT_BAD_INPUT;
      }
      if (e instanceof ParameterException p) {
        err.println("error: " + describe(p, List.of()));
        return EXIT_BAD_INPUT;
      }
      Exception missing = causeOfType(e, NoSuchFileException.class);
      missing = missing != null ? missing : causeOfType(e, FileNotFoundException.class);
      if (missing != null) {
        err.println(
            "error: "
                + new SpecException("input file", "an existing file", missing.getMessage())
                    .getMessage());
        return EXIT_BAD_INPUT;
      }
      if (e instanceof IOException || e instanceof UncheckedIOException) {
        err.println(
            "error: I/O failed (the file system or a peer process, not your input): "
                + e.getMessage());
        e.printStackTrace(err);
        return EXIT_IO;
      }
      err.println("internal error (a bug, not your input; please report it with this trace): " + e);
      e.printStackTrace(err);
      return InvariantViolation.EXIT_CODE;
    } finally {
      err.flush();
    }
  }

  /** A parse error as "FIELD must be RULE, found VALUE", whatever picocli's own wording. */
  static String describe(ParameterException e, List<String> args) {
    SpecException spec = causeOfType(e, SpecException.class);
    if (spec != null) {
      return spec.getMessage();
    }
    CommandSpec command = e.getCommandLine().getCommandSpec();
    if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String first = u.getUnmatched().get(0);
      if (first.startsWith("-")) {
        return new SpecException(
                command.qualifiedName() + " option", "one of " + optionNames(command), first)
            .getMessage();
      }
      if (!command.subcommands().isEmpty() && command.positionalParameters().isEmpty()) {
        return new SpecException(
                command.qualifiedName() + " command",
                "one of " + command.subcommands().keySet(),
                first)
            .getMessage();
      }
      return new SpecException(
              command.qualifiedName() + " arguments",
              "at most "
                  + command.positionalParameters().size()
                  + " ("
                  + paramLabels(command)
                  + ")",
              first + " (one too many)")
          .getMessage();
    }
    if (e instanceof MissingParameterException m && !m.getMissing().isEmpty()) {
      ArgSpec missing = m.getMissing().get(0);
      boolean given =
          missing instanceof OptionSpec o
              && args.stream()
                  .anyMatch(
                      a ->
                          Stream.of(o.names()).anyMatch(n -> a.equals(n) || a.startsWith(n + "=")));
      return new SpecException(name(missing), given ? "followed by a value" : "given", null)
          .getMessage();
    }
    if (e instanceof OverwrittenOptionException o && o.getOverwritten() != null) {
      return new SpecException(
              name(o.getOverwritten()), "given once", "a second " + name(o.getOverwritten()))
          .getMessage();
    }
    ArgSpec arg = e.getArgSpec();
    if (arg != null && e.getValue() != null) {
      return new SpecException(name(arg), rule(arg, e), e.getValue()).getMessage();
    }
    return e.getMessage();
  }

  /** The rule a value broke: the converter's own words, else what the option's type asks for. */
  private static String rule(ArgSpec arg, ParameterException e) {
    if (arg.converters().length > 0
        && e.getCause() instanceof TypeConversionException t
        && t.getMessage() != null) {
      return t.getMessage();
    }
    Class<?> type =
        arg.isMultiValue() && arg.auxiliaryTypes().length > 0
            ? arg.auxiliaryTypes()[0]
            : arg.type();
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "a whole number";
    }
    if (type == double.class
        || type == Double.class
        || type == float.class
        || type == Float.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "a flag given alone (or =true, =false)";
    }
    if (type.isEnum()) {
      return OptionRules.oneOf(OptionRules.words(type));
    }
    return "a valid "
        + type.getSimpleName()
        + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")");
  }

  private static String name(ArgSpec arg) {
    return arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel();
  }

  private static List<String> optionNames(CommandSpec command) {
    return command.options().stream().map(OptionSpec::longestName).sorted().toList();
  }

  private static String paramLabels(CommandSpec command) {
    return String.join(
        " ", command.positionalParameters().stream().map(ArgSpec::paramLabel).toList());
  }

  private static <T extends Throwable> T causeOfType(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
  }
}
