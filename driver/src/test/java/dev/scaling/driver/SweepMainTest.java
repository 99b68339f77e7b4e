package dev.scaling.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.SpecException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Exit codes and messages of the command line, every option of every command: bad input exits with
 * 2 and one line naming the field, the rule and the value found (never a raw "No enum constant" or
 * NumberFormatException); a bug exits with 70 and says so. Every case is refused while parsing,
 * before a command does any work (no Spark, no training, no fit).
 */
class SweepMainTest {
  static final String RUN = "run";
  static final String FIT = "fit";
  static final String BENCH = "bench";
  static final String FLAG = "a flag given alone (or =true, =false)";

  /** Arguments, then the three parts the one-line message must hold: field, rule, value. */
  static Stream<Arguments> badInput() {
    return Stream.of(
        // the command itself
        bad(
            List.of("frobnicate"),
            "sweep command",
            "one of [run, fit, bench, plan, coord-check]",
            "\"frobnicate\""),
        bad(List.of("--frobnicate"), "sweep option", "one of [", "\"--frobnicate\""),
        // run: SPEC --out --plan-only --rerun-failed --force --extend --checkpoint-every
        // --bootstrap --huber-delta
        bad(List.of(RUN, "--out", "o"), "SPEC", "given", "nothing (missing)"),
        bad(List.of(RUN, "s.yaml"), "--out", "given", "nothing (missing)"),
        bad(
            List.of(RUN, "s.yaml", "--out", "o", "--out", "p"),
            "--out",
            "given once",
            "\"a second --out\""),
        bad(
            List.of(RUN, "s.yaml", "t.yaml", "--out", "o"),
            "sweep run arguments",
            "at most 1 (SPEC)",
            "t.yaml"),
        bad(
            List.of(RUN, "s.yaml", "--out", "o", "--planonly"),
            "sweep run option",
            "one of [--bootstrap, --checkpoint-every, --exclude-predicted, --extend, --force, --help,"
                + " --huber-delta, --out, --plan-only, --rerun-failed, --verify-predictions, --version]",
            "\"--planonly\""),
        bad(
            List.of(RUN, "s.yaml", "--out", "o", "--plan-only=maybe"),
            "--plan-only",
            FLAG,
            "\"maybe\""),
        bad(
            List.of(RUN, "s.yaml", "--out", "o", "--rerun-failed=2"),
            "--rerun-failed",
            FLAG,
            "\"2\""),
        bad(List.of(RUN, "s.yaml", "--out", "o", "--force=x"), "--force", FLAG, "\"x\""),
        bad(List.of(RUN, "s.yaml", "--out", "o", "--extend=x"), "--extend", FLAG, "\"x\""),
        bad(
            List.of(RUN, "s.yaml", "--out", "o", "--checkpoint-every", "5min"),
            "--checkpoint-every",
            "a finite number >= 0",
            "\"5min\""),
        bad(
            List.of(RUN, "s.yaml", "--out", "o", "--checkpoint-every", "-1"),
            "--checkpoint-every",
            "a finite number >= 0",
            "\"-1\""),
        bad(
            List.of(RUN, "s.yaml", "--out", "o", "--checkpoint-every", "NaN"),
            "--checkpoint-every",
            "a finite number >= 0",
            "\"NaN\""),
        bad(
            List.of(RUN, "s.yaml", "--out", "o", "--bootstrap", "1e3"),
            "--bootstrap",
            "a whole number >= 0",
            "\"1e3\""),
        bad(
            List.of(RUN, "s.yaml", "--out", "o", "--bootstrap", "-1"),
            "--bootstrap",
            "a whole number >= 0",
            "\"-1\""),
        bad(
            List.of(RUN, "s.yaml", "--out", "o", "--bootstrap", "99999999999"),
            "--bootstrap",
            "a whole number >= 0",
            "\"99999999999\""),
        bad(
            List.of(RUN, "s.yaml", "--out", "o", "--huber-delta", "0"),
            "--huber-delta",
            "a finite number > 0",
            "\"0\""),
        bad(
            List.of(RUN, "s.yaml", "--out", "o", "--huber-delta", "small"),
            "--huber-delta",
            "a finite number > 0",
            "\"small\""),
        // fit: --input --out --n-col --d-col --loss-col --form --huber-delta --bootstrap --seed
        // --backtest-share
        // --grid --drop-invalid --json
        bad(List.of(FIT, "--out", "o"), "--input", "given", "nothing (missing)"),
        bad(List.of(FIT, "--input", "t.csv"), "--out", "given", "nothing (missing)"),
        bad(
            List.of(FIT, "--input", "t.csv", "--out", "o", "--n-col"),
            "--n-col",
            "followed by a value",
            "nothing (missing)"),
        bad(
            List.of(FIT, "--input", "t.csv", "--out", "o", "--d-col"),
            "--d-col",
            "followed by a value",
            "nothing (missing)"),
        bad(
            List.of(FIT, "--input", "t.csv", "--out", "o", "--loss-col"),
            "--loss-col",
            "followed by a value",
            "nothing (missing)"),
        bad(
            List.of(FIT, "--input", "t.csv", "--out", "o", "--form", "logistic"),
            "--form",
            "all or a comma-separated list of chinchilla, kaplan, power_n, power_d",
            "\"logistic\""),
        bad(
            List.of(FIT, "--input", "t.csv", "--out", "o", "--form", "power_n,logistic"),
            "--form",
            "all or a comma-separated list of chinchilla, kaplan, power_n, power_d",
            "\"power_n,logistic\""),
        bad(
            List.of(FIT, "--input", "t.csv", "--out", "o", "--grid", "fine"),
            "--grid",
            "one of full, coarse",
            "\"fine\""),
        bad(
            List.of(FIT, "--input", "t.csv", "--out", "o", "--huber-delta", "-1e-3"),
            "--huber-delta",
            "a finite number > 0",
            "\"-1e-3\""),
        bad(
            List.of(FIT, "--input", "t.csv", "--out", "o", "--bootstrap", "many"),
            "--bootstrap",
            "a whole number >= 0",
            "\"many\""),
        bad(
            List.of(FIT, "--input", "t.csv", "--out", "o", "--seed", "0x1F"),
            "--seed",
            "a whole number",
            "\"0x1F\""),
        bad(
            List.of(FIT, "--input", "t.csv", "--out", "o", "--backtest-share", "1.5"),
            "--backtest-share",
            "a number in [0, 1)",
            "\"1.5\""),
        bad(
            List.of(FIT, "--input", "t.csv", "--out", "o", "--drop-invalid=y"),
            "--drop-invalid",
            FLAG,
            "\"y\""),
        bad(List.of(FIT, "--input", "t.csv", "--out", "o", "--json=y"), "--json", FLAG, "\"y\""),
        bad(
            List.of(FIT, "--input", "t.csv", "--out", "o", "--bogus"),
            "sweep fit option",
            "one of [",
            "\"--bogus\""),
        // bench: --quick --shapes --rounds --sweep-out --slots --skip --results-dir --python
        // --bench-dir
        bad(List.of(BENCH, "--quick=y"), "--quick", FLAG, "\"y\""),
        bad(
            List.of(BENCH, "--shapes", "64by2"),
            "--shapes",
            "a comma-separated list of WIDTHxDEPTH",
            "\"64by2\""),
        bad(
            List.of(BENCH, "--shapes", "64x2,60x2"),
            "--shapes",
            "WIDTH a positive multiple of 16",
            "\"60x2\""),
        bad(List.of(BENCH, "--shapes", "64x0"), "--shapes", "DEPTH positive", "\"64x0\""),
        bad(
            List.of(BENCH, "--shapes", "64x2x3"),
            "--shapes",
            "a comma-separated list of WIDTHxDEPTH",
            "\"64x2x3\""),
        bad(List.of(BENCH, "--rounds", "0"), "--rounds", "a whole number >= 1", "\"0\""),
        bad(List.of(BENCH, "--rounds", "two"), "--rounds", "a whole number >= 1", "\"two\""),
        bad(List.of(BENCH, "--slots", "-2"), "--slots", "a whole number >= 1", "\"-2\""),
        bad(
            List.of(BENCH, "--skip", "fit,gpu"),
            "--skip",
            "one of [trainer, fit, curves, schedule, wsd, noise, scale]",
            "\"gpu\""),
        bad(
            List.of(BENCH, "--sweep-out"),
            "--sweep-out",
            "followed by a value",
            "nothing (missing)"),
        bad(
            List.of(BENCH, "--results-dir"),
            "--results-dir",
            "followed by a value",
            "nothing (missing)"),
        bad(List.of(BENCH, "--python"), "--python", "followed by a value", "nothing (missing)"),
        bad(
            List.of(BENCH, "--bench-dir"),
            "--bench-dir",
            "followed by a value",
            "nothing (missing)"),
        bad(List.of(BENCH, "--fast"), "sweep bench option", "one of [", "\"--fast\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInput")
  void run_rejectsBadOptionWithExit2NamingFieldRuleAndValue(
      String args, String field, String rule, String value) {
    Result r = sweep(args.split(" "));
    assertEquals(2, r.code, () -> "exit code of " + args + "; stderr: " + r.err);
    String first = r.err.lines().findFirst().orElse("");
    assertTrue(first.startsWith("error: " + field), () -> "field " + field + " first in: " + r.err);
    assertTrue(first.contains(rule), () -> "rule <" + rule + "> in: " + first);
    assertTrue(first.contains(value), () -> "value <" + value + "> in: " + first);
    assertFalse(
        r.err.contains("No enum constant")
            || r.err.contains("NumberFormatException")
            || r.err.contains("\tat "),
        () -> "no raw exception or trace: " + r.err);
  }

  @Test
  void run_acceptsGoodOptionValuesInAnyCase() throws Exception {
    CommandLine cli = SweepMain.commandLine();
    CommandLine.ParseResult parsed =
        cli.parseArgs(BENCH, "--shapes", "64X2,128x3", "--skip", "Trainer,FIT", "--rounds", "2");
    assertTrue(
        parsed.subcommand().matchedOption("--shapes").getValue().toString().contains("128x3"));
    parsed =
        SweepMain.commandLine()
            .parseArgs(
                FIT,
                "--input",
                "t.csv",
                "--out",
                "o",
                "--grid",
                "COARSE",
                "--form",
                "Kaplan",
                "--backtest-share",
                "0",
                "--bootstrap",
                "0",
                "--seed",
                "-7");
    assertEquals(
        "COARSE",
        parsed.subcommand().matchedOption("--grid").getValue()); // FitCommand ignores case
    assertEquals(
        "Kaplan",
        parsed.subcommand().matchedOption("--form").getValue()); // FitCommand ignores case
    assertEquals(-7L, (long) parsed.subcommand().matchedOption("--seed").getValue());
  }

  /** What a command that fails inside (not while parsing) exits with, by the kind of exception. */
  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of(
            new SpecException("grid.width[0]", "positive", 0),
            2,
            "error: grid.width[0] must be positive, found 0"),
        Arguments.of(
            new UncheckedIOException(
                new IOException("wrapped", new SpecException("--out", "a folder", "x"))),
            2,
            "error: --out must be a folder, found \"x\""),
        Arguments.of(
            new InvariantViolation("plan order lost trial t1"),
            InvariantViolation.EXIT_CODE,
            "internal error (a bug, not your input"),
        // A raw IllegalArgumentException (NumberFormatException, "No enum constant") escaped
        // validation: a bug.
        Arguments.of(
            new NumberFormatException("For input string: \"x\""),
            InvariantViolation.EXIT_CODE,
            "internal error (a bug, not your input"),
        Arguments.of(
            new IllegalArgumentException("No enum constant X.Y"),
            InvariantViolation.EXIT_CODE,
            "internal error (a bug, not your input"),
        Arguments.of(
            new IllegalStateException("unexpected"),
            InvariantViolation.EXIT_CODE,
            "internal error (a bug, not your input"),
        Arguments.of(
            new UncheckedIOException(new IOException("disk full")),
            SweepMain.EXIT_IO,
            "error: I/O failed (the file system or a peer process, not your input)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void run_exitCodeNamesTheKindOfFailure(RuntimeException thrown, int code, String expected) {
    StringWriter err = new StringWriter();
    CommandLine cli = SweepMain.commandLine();
    cli.addSubcommand("boom", new Boom(thrown));
    int exit = cli.setErr(new PrintWriter(err, true)).execute("boom");
    assertEquals(code, exit, err::toString);
    assertTrue(err.toString().startsWith(expected), err::toString);
    boolean bug = code == InvariantViolation.EXIT_CODE;
    assertEquals(
        bug || code == SweepMain.EXIT_IO,
        err.toString().contains("\tat "),
        "a trace for a bug or an I/O failure");
  }

  /** A real input the run command cannot read: exit 2 through SweepMain.run, no trace. */
  @Test
  void run_missingSpecFileExits2ThroughMain(@TempDir Path dir) {
    Result r =
        sweep(RUN, dir.resolve("absent.yaml").toString(), "--out", dir.resolve("out").toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.startsWith("error: SPEC must be an existing file"), r.err);
    assertFalse(Files.exists(dir.resolve("out")));
  }

  /**
   * A missing input file is the user's to fix, even when it surfaces wrapped in an
   * UncheckedIOException.
   */
  @Test
  void run_fitWithMissingInputExits2NamingTheFile(@TempDir Path dir) {
    Path absent = dir.resolve("absent.csv");
    Result r = sweep(FIT, "--input", absent.toString(), "--out", dir.resolve("out").toString());
    assertEquals(2, r.code, r.err);
    assertTrue(
        r.err.startsWith(
            "error: --input must be an existing CSV file or Parquet file or folder, found \""
                + absent),
        r.err);
  }

  /** The bench's folders, checked before any measurement. */
  @Test
  void run_benchRejectsFoldersItCannotUseBeforeMeasuring(@TempDir Path dir) throws Exception {
    Result r = sweep(BENCH, "--bench-dir", dir.resolve("nope").toString());
    assertEquals(2, r.code, r.err);
    assertTrue(
        r.err.startsWith(
            "error: --bench-dir must be a folder holding torch_twin.py and scipy_fit.py, found"),
        r.err);
    Path file = Files.writeString(dir.resolve("file"), "x");
    r = sweep(BENCH, "--results-dir", file.toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.startsWith("error: --results-dir must be a folder, found"), r.err);
  }

  @Command(name = "boom")
  static final class Boom implements Callable<Integer> {
    private final RuntimeException thrown;

    Boom(RuntimeException thrown) {
      this.thrown = thrown;
    }

    @Override
    public Integer call() {
      throw thrown;
    }
  }

  record Result(int code, String err) {}

  /** Runs {@link SweepMain#run} with standard error captured. */
  static Result sweep(String... args) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      int code = SweepMain.run(args);
      return new Result(code, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(old);
    }
  }

  static Arguments bad(List<String> args, String field, String rule, String value) {
    return Arguments.of(String.join(" ", new ArrayList<>(args)), field, rule, value);
  }
}
