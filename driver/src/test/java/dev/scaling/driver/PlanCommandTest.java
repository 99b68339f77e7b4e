package dev.scaling.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.fit.ChinchillaParams;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.fit.FitsTable;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.plan.Planner;
import dev.scaling.driver.power.DesignRow;
import dev.scaling.driver.power.Noise;
import dev.scaling.driver.power.PowerResult;
import dev.scaling.driver.power.Quantity;
import dev.scaling.driver.sweep.PlanOutcome;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code sweep plan}: the grid as the fit sees it, the power simulation's typed result, where the
 * noise comes from (--noise, a run's measured eval_loss_stderr, or the stated default), the law
 * from --assume or --assume-from, and bad input refused with exit 2 naming the field. No Spark.
 */
class PlanCommandTest {
  /** 2 widths x 3 depths x 3 token counts x 2 learning rates = 36 trials, 18 fitted rows. */
  static final String SPEC =
      """
      name: plantest
      seed: 11
      data:
        source: synthetic
        tokenizer: bytes
        validation_fraction: 0.1
        eval_tokens: 4096
      model:
        family: transformer
        context: 64
        head_size: 16
      grid:
        width: [32, 64]
        depth: [1, 2, 3]
        tokens: [65536, 131072, 262144]
        learning_rate: [1.0e-3, 3.0e-3]
        seeds: [0]
      training:
        batch_size: 16
        learning_rate: 3.0e-3
        warmup_fraction: 0.05
        min_lr_fraction: 0.1
        grad_clip: 1.0
        eval_interval: 50
      """;

  @TempDir Path dir;

  Path spec() throws IOException {
    Path p = dir.resolve("spec.yaml");
    Files.writeString(p, SPEC);
    return p;
  }

  @Test
  void plan_printsTheGridAsTheFitSeesIt() throws IOException {
    PlanOutcome o = PlanCommand.run(spec().toString());
    assertNull(o.power());
    assertEquals(36, o.plan().trials().size());
    assertEquals(18, o.design().size(), "learning-rate siblings merge into one fitted row");
    for (DesignRow r : o.design()) {
      assertEquals(2, r.copies());
    }
    // The transformer's non-embedding N is 12 * depth * width^2.
    for (Trial t : o.plan().trials()) {
      assertEquals(12L * t.depth() * t.width() * t.width(), t.nParams());
      assertTrue(
          o.design().stream().anyMatch(r -> r.n() == t.nParams() && r.d() == t.tokens()),
          "row for " + t.trialId());
    }
    assertTrue(o.printed().contains("Fit design: 18 rows"), o.printed());
    assertTrue(o.printed().contains("the lowest loss of 2 learning rates per row"), o.printed());
    assertTrue(o.printed().contains("Plan for sweep 'plantest': 36 trials"), o.printed());
    // 3 token counts: the fit's identifiability check will ask for 4.
    assertTrue(
        o.printed().contains("the fit will warn: only 3 distinct token counts D"), o.printed());
  }

  /** 4 widths x 3 depths x 4 token counts x 2 learning rates x 2 seeds = 192 trials. */
  Path largeSpec() throws IOException {
    Path p = dir.resolve("large.yaml");
    Files.writeString(
        p,
        SPEC.replace("width: [32, 64]", "width: [32, 64, 96, 128]")
            .replace("tokens: [65536, 131072, 262144]", "tokens: [65536, 131072, 262144, 524288]")
            .replace("seeds: [0]", "seeds: [0, 1]"));
    return p;
  }

  /** The value of the summary line that starts with {@code label} (after the label). */
  private static String line(String printed, String label) {
    return printed
        .lines()
        .map(String::trim)
        .filter(l -> l.startsWith(label))
        .findFirst()
        .map(l -> l.substring(label.length()).trim())
        .orElseThrow(() -> new AssertionError("no line " + label + " in " + printed));
  }

  @Test
  void plan_summarisesALargeGridByAxisCostAndLargestTrials() throws IOException {
    PlanOutcome o = PlanCommand.run(largeSpec().toString());
    List<Trial> trials = o.plan().trials();
    assertEquals(4 * 3 * 4 * 2 * 2, trials.size());
    String printed = o.printed();
    // Each value of an axis is crossed with every value of the others: 192 / (its axis's size).
    assertEquals("32 (48), 64 (48), 96 (48), 128 (48)", line(printed, "width:"));
    assertEquals("1 (64), 2 (64), 3 (64)", line(printed, "depth:"));
    assertEquals("65536 (48), 131072 (48), 262144 (48), 524288 (48)", line(printed, "tokens:"));
    assertEquals("0.00100 (96), 0.00300 (96)", line(printed, "learning_rate:"));
    assertEquals("0 (96), 1 (96)", line(printed, "seed:"));
    assertTrue(printed.contains("12 models (distinct width x depth), 2 seeds"), printed);
    // 6ND with N = 12 depth width^2, type-7 percentiles over the 192 trials.
    double[] flops =
        trials.stream()
            .mapToDouble(t -> 6.0 * 12 * t.depth() * (double) t.width() * t.width() * t.tokens())
            .sorted()
            .toArray();
    double h = (flops.length - 1) * 0.5;
    double p50 = flops[(int) h] + (h - (int) h) * (flops[(int) h + 1] - flops[(int) h]);
    assertTrue(
        line(printed, "Cost per trained trial, 6ND FLOPs:")
            .startsWith(
                String.format(
                    java.util.Locale.ROOT, "p50 %.3g, p90 %.3g", p50, quantile(flops, 0.9))),
        printed);
    assertTrue(printed.contains(String.format(java.util.Locale.ROOT, "max %.3g", flops[191])));
    // Only the 10 largest trials have rows: their costs are the 10 largest of the 192.
    List<Trial> listed = trials.stream().filter(t -> printed.contains(t.trialId())).toList();
    assertEquals(
        java.util.Arrays.stream(flops, 182, 192).boxed().toList(),
        listed.stream()
            .map(t -> 6.0 * 12 * t.depth() * (double) t.width() * t.width() * t.tokens())
            .sorted()
            .toList(),
        printed);
    assertTrue(printed.contains("(the other 182 rows: ./sweep plan SPEC --all)"), printed);
    assertTrue(printed.lines().count() < 40, printed);
  }

  private static double quantile(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    return sorted[lo] + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]);
  }

  @Test
  void plan_all_printsEveryRowOfALargeGrid() throws IOException {
    PlanOutcome o = PlanCommand.run(largeSpec().toString(), "--all");
    for (Trial t : o.plan().trials()) {
      assertTrue(o.printed().contains(t.trialId()), t.trialId());
    }
    assertTrue(!o.printed().contains("Trials per value of each axis"), o.printed());
  }

  @Test
  void plan_printsEveryRowOfASmallGridWithoutAll() throws IOException {
    PlanOutcome o = PlanCommand.run(spec().toString());
    for (Trial t : o.plan().trials()) {
      assertTrue(o.printed().contains(t.trialId()), t.trialId());
    }
  }

  @Test
  void plan_printsTheTrunksOfAWsdSweep() throws IOException {
    Path p = dir.resolve("wsd.yaml");
    Files.writeString(
        p,
        SPEC.replace(
            "  warmup_fraction: 0.05\n  min_lr_fraction: 0.1\n",
            "  schedule: wsd\n  warmup_tokens: 16384\n  cooldown_fraction: 0.2\n"
                + "  cooldown_shape: 1-sqrt\n  min_lr_fraction: 0.0\n"));
    PlanOutcome o = PlanCommand.run(p.toString());
    // One trunk per (shape, learning rate): 6 shapes x 2 learning rates, 3 branches each.
    assertTrue(o.printed().contains("Branched cooldowns: 12 trunk(s), 36 branches"), o.printed());
    assertEquals(18, o.design().size());
  }

  @Test
  void plan_powerSimulatesTheAssumedLawWithTheGivenNoise() throws IOException {
    PlanOutcome o =
        PlanCommand.run(
            spec().toString(),
            "--power",
            "--assume",
            "E=1.8 A=8 B=30 alpha=0.3 beta=0.4",
            "--noise",
            "0.005",
            "--simulations",
            "6",
            "--target-flops",
            "1e14");
    PowerResult p = o.power();
    assertEquals(new ChinchillaParams(1.8, 8, 30, 0.3, 0.4), p.truth());
    assertEquals(Noise.Source.GIVEN, p.noise().source());
    assertEquals(0.005, p.noise().sd());
    assertEquals(6, p.simulations());
    assertEquals(1e14, p.targetFlops());
    assertEquals(18, p.rows().size());
    double a = 0.4 / 0.7;
    assertEquals(a, p.of(Quantity.A).truth(), 1e-12);
    double nOpt = Math.pow(0.3 * 8 / (0.4 * 30), 1 / 0.7) * Math.pow(1e14 / 6, a);
    assertEquals(nOpt, p.of(Quantity.N_OPT).truth(), 1e-9 * nOpt);
    assertEquals(3, p.verdicts().size(), "one verdict per exponent: alpha, beta, a");
    assertTrue(o.printed().contains("sd 0.005000 nats per trial (given; --noise)"), o.printed());
    assertTrue(o.printed().contains("alpha: expected 95% interval width"), o.printed());
  }

  @Test
  void plan_powerDefaultsToChinchillasPublishedLawAndSaysTheNoiseIsAssumed() throws IOException {
    PlanOutcome o = PlanCommand.run(spec().toString(), "--power", "--simulations", "2");
    PowerResult p = o.power();
    assertEquals(new ChinchillaParams(1.69, 406.4, 410.7, 0.34, 0.28), p.truth());
    assertEquals(Noise.Source.ASSUMED, p.noise().source());
    assertEquals(Noise.DEFAULT_SD, p.noise().sd());
    assertTrue(o.printed().contains("assumed, not measured"), o.printed());
    // 10x the largest trial's 6ND: width 64, depth 3, 262144 tokens.
    assertEquals(10 * 6.0 * 12 * 3 * 64 * 64 * 262144, p.targetFlops(), 1);
    // At this scale the published law predicts more than ln(64) nats: the result says so.
    assertTrue(p.notes().stream().anyMatch(n -> n.contains("uniform guess")), p.notes()::toString);
  }

  @Test
  void plan_powerUsesTheMeasuredNoiseOfARunInOut() throws IOException {
    Path out = dir.resolve("out");
    Files.createDirectories(out.resolve("trials"));
    Files.writeString(out.resolve("spec.yaml"), SPEC);
    // Finished trials with stderr 0.004, 0.002, 0.009, 0.003 (median 0.0035); a failed one with
    // 0.5 is not counted.
    writeTrials(
        out.resolve("trials/part-00000.parquet"),
        true,
        new double[] {0.004, 0.002, 0.009, 0.003, 0.5},
        new String[] {"finished", "finished", "finished", "finished", "failed"});
    PlanOutcome o =
        PlanCommand.run(
            spec().toString(), "--power", "--out", out.toString(), "--simulations", "2");
    assertEquals(Noise.Source.MEASURED, o.power().noise().source());
    assertEquals(0.0035, o.power().noise().sd(), 1e-9);
    assertTrue(o.power().noise().detail().contains("of 4 finished trials"), o.power()::toString);
  }

  /** A commit of {@code t} as a worker writes it, with the given status and standard error. */
  private static TrialOutcome committed(Trial t, TrialStatus status, Double stderr) {
    return committed(t, status, stderr, 2.5);
  }

  private static TrialOutcome committed(Trial t, TrialStatus status, Double stderr, double loss) {
    TrialResult r =
        TrialResult.builder(t.trialId(), status)
            .finalTrainLoss(loss)
            .finalEvalLoss(loss)
            .stepsDone(64)
            .tokensTrained(65536)
            .wallSeconds(1.0)
            .tokensPerSecond(1000)
            .device("cpu()")
            .evalLossStderr(stderr)
            .build();
    return new TrialOutcome(t, r, "run", "0", "host", 1, null);
  }

  @Test
  void plan_powerUsesTheCommitsOfAPartialRun() throws IOException {
    Path out = dir.resolve("out");
    Files.createDirectories(out.resolve("commits"));
    Files.writeString(out.resolve("spec.yaml"), SPEC);
    // A partial run: no trials table yet, commits with 0.006 and 0.002 (median 0.004); a failed
    // trial's and one without the field are not counted. Written by the sweep's own CommitLog.
    List<Trial> trials = Planner.plan(SpecParser.parse(spec())).trials();
    CommitLog log = new CommitLog(out.toString(), new Configuration());
    log.commit(committed(trials.get(0), TrialStatus.FINISHED, 0.006));
    log.commit(committed(trials.get(1), TrialStatus.FINISHED, 0.002));
    log.commit(committed(trials.get(2), TrialStatus.FAILED, 0.9));
    log.commit(committed(trials.get(3), TrialStatus.FINISHED, null));
    PlanOutcome o =
        PlanCommand.run(
            spec().toString(), "--power", "--out", out.toString(), "--simulations", "2");
    assertEquals(Noise.Source.MEASURED, o.power().noise().source());
    assertEquals(0.004, o.power().noise().sd(), 1e-12);
    assertTrue(o.power().noise().detail().contains("of 2 finished trials"), o.power()::toString);
    assertTrue(o.power().noise().detail().contains("/commits"), o.power()::toString);
  }

  @Test
  void plan_powerUsesTheSeedSpreadOfARunWithTwoSeeds() throws IOException {
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    // The run in OUT trained every grid point twice (seeds 0 and 1), seed 1 ending d higher, with d
    // cycling through 0.01, 0.02, 0.03: each point's variance is d^2 / 2 on one degree of freedom.
    String twoSeeds = SPEC.replace("seeds: [0]", "seeds: [0, 1]");
    Files.writeString(out.resolve("spec.yaml"), twoSeeds);
    List<Trial> trials = Planner.plan(SpecParser.parse(twoSeeds)).trials();
    CommitLog log = new CommitLog(out.toString(), new Configuration());
    double[] steps = {0.01, 0.02, 0.03};
    java.util.Map<String, Double> offsetOfPoint = new java.util.HashMap<>();
    double squares = 0;
    for (Trial t : trials) {
      var c = t.config();
      String point = c.width() + "/" + c.depth() + "/" + c.tokens() + "/" + c.training();
      if (!offsetOfPoint.containsKey(point)) {
        double d = steps[offsetOfPoint.size() % 3];
        offsetOfPoint.put(point, d);
        squares += d * d / 2;
      }
      double loss = 3.0 - c.width() / 1000.0 + c.replica() * offsetOfPoint.get(point);
      log.commit(committed(t, TrialStatus.FINISHED, 0.002, loss));
    }
    assertEquals(trials.size() / 2, offsetOfPoint.size());
    double expected = Math.sqrt(squares / offsetOfPoint.size());

    PlanOutcome o =
        PlanCommand.run(
            spec().toString(), "--power", "--out", out.toString(), "--simulations", "2");
    Noise n = o.power().noise();
    assertEquals(Noise.Source.SEED_SPREAD, n.source());
    assertEquals(expected, n.sd(), 1e-12);
    String counts =
        "over " + trials.size() / 2 + " grid points with 2+ seeds (" + trials.size() + " trials)";
    assertTrue(n.detail().contains(counts), n::detail);
    assertTrue(n.detail().contains("the evaluation noise alone is 0.002"), n::detail);
    assertTrue(n.describe().startsWith("noise: sd "), n::describe);
  }

  @Test
  void plan_powerFallsBackWhenTheRunHasNoStderrColumn() throws IOException {
    Path out = dir.resolve("out");
    Files.createDirectories(out.resolve("trials"));
    Files.writeString(out.resolve("spec.yaml"), SPEC);
    writeTrials(
        out.resolve("trials/part-00000.parquet"),
        false,
        new double[] {0.004, 0.002, 0.009},
        new String[] {"finished", "finished", "finished"});
    PlanOutcome o =
        PlanCommand.run(
            spec().toString(), "--power", "--out", out.toString(), "--simulations", "2");
    assertEquals(Noise.Source.ASSUMED, o.power().noise().source());
    assertEquals(Noise.DEFAULT_SD, o.power().noise().sd());
    assertTrue(o.power().noise().detail().contains("eval_loss_stderr"), o.power()::toString);
  }

  @Test
  void plan_powerAssumesTheChinchillaFitOfAFinishedRun() throws IOException {
    Path run = dir.resolve("run");
    Files.createDirectories(run.resolve("fits"));
    MessageType schema = FitsTable.SCHEMA;
    SimpleGroupFactory f = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(new LocalOutputFile(run.resolve("fits/part-00000.parquet")))
            .withType(schema)
            .build()) {
      String[] names = {"E", "A", "B", "alpha", "beta"};
      double[] values = {1.75, 12.5, 44.0, 0.31, 0.45};
      for (int i = 0; i < 5; i++) {
        w.write(
            f.newGroup()
                .append("form", "chinchilla")
                .append("parameter", names[i])
                .append("estimate", values[i])
                .append("at_bound", false));
        // Another form's parameter of the same name must not be taken.
        w.write(
            f.newGroup()
                .append("form", "kaplan")
                .append("parameter", names[i])
                .append("estimate", 99.0)
                .append("at_bound", false));
      }
    }
    PlanOutcome o =
        PlanCommand.run(
            spec().toString(),
            "--power",
            "--assume-from",
            run.toString(),
            "--noise",
            "0.01",
            "--simulations",
            "2");
    assertEquals(new ChinchillaParams(1.75, 12.5, 44.0, 0.31, 0.45), o.power().truth());
    assertTrue(o.power().lawSource().contains(run.toString()), o.power().lawSource());
  }

  @Test
  void plan_assumeTakesTheFitSummarysParametersAsPrinted() {
    ChinchillaParams fromSummary =
        new AssumedLaw()
            .convert(
                "E=0.9808 [5.359e-13, 1.275] A=1.260 [0.9596, 1.449e+05] B=2383 [191.1, 6.083e+06]"
                    + " alpha=0.1434 [0.02034, 1.391] beta=0.7323 [0.5003, 1.422]");
    assertEquals(new ChinchillaParams(0.9808, 1.260, 2383, 0.1434, 0.7323), fromSummary);
    assertEquals(
        new ChinchillaParams(1.69, 406.4, 410.7, 0.34, 0.28),
        new AssumedLaw().convert("1.69,406.4,410.7,0.34,0.28"));
    assertEquals(
        new ChinchillaParams(1.69, 406.4, 410.7, 0.34, 0.28),
        new AssumedLaw().convert("beta=0.28,alpha=0.34,B=410.7,A=406.4,E=1.69"));
  }

  static Stream<Arguments> badInput() {
    return Stream.of(
        Arguments.of(List.of("--assume", "1.69,406.4,410.7"), "--assume", "(3 given)"),
        Arguments.of(
            List.of("--assume", "1.69,406.4,410.7,-0.34,0.28"),
            "--assume",
            "alpha = -0.34 is not > 0"),
        Arguments.of(List.of("--assume", "1.69,406.4,410.7,0.34,x"), "--assume", "x is not"),
        Arguments.of(
            List.of("--assume", "E=1.69 A=406.4 B=410.7 alpha=0.34 gamma=0.28"),
            "--assume",
            "gamma=0.28 names none"),
        Arguments.of(List.of("--noise", "-1"), "--noise", "a finite number >= 0"),
        Arguments.of(List.of("--simulations", "0"), "--simulations", "a whole number >= 1"),
        Arguments.of(List.of("--target-flops", "-5"), "--target-flops", "a finite number > 0"),
        Arguments.of(List.of("--pin", "0"), "--pin", "a finite number > 0"),
        Arguments.of(
            List.of("--power", "--assume", "1,2,3,0.3,0.3", "--assume-from", "somewhere"),
            "--assume-from",
            "not given together with --assume"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInput")
  void plan_rejectsBadInputWithExit2NamingTheField(List<String> args, String field, String rule)
      throws IOException {
    String[] all =
        Stream.concat(Stream.of("plan", spec().toString()), args.stream()).toArray(String[]::new);
    StringWriter err = new StringWriter();
    CommandLine cli = SweepMain.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    int code = cli.execute(all);
    assertEquals(2, code, () -> "exit code; stderr: " + err);
    String first = err.toString().lines().findFirst().orElse("");
    assertTrue(first.startsWith("error: " + field + " must be"), first);
    assertTrue(first.contains(rule), () -> "<" + rule + "> in " + first);
    assertTrue(!err.toString().contains("\tat "), () -> "no trace: " + err);
  }

  @Test
  void plan_powerRefusesAGridTheFitCannotSeparate() throws IOException {
    Path p = dir.resolve("small.yaml");
    Files.writeString(p, SPEC.replace("tokens: [65536, 131072, 262144]", "tokens: [65536]"));
    StringWriter err = new StringWriter();
    CommandLine cli = SweepMain.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    assertEquals(2, cli.execute("plan", p.toString(), "--power"), err::toString);
    assertTrue(err.toString().startsWith("error: grid must be at least 6"), err::toString);
    assertTrue(err.toString().contains("1 distinct D"), err::toString);
  }

  /** A minimal trials table: the fit's columns, status, and optionally eval_loss_stderr. */
  static void writeTrials(Path file, boolean withStderr, double[] stderr, String[] status)
      throws IOException {
    MessageType schema =
        MessageTypeParser.parseMessageType(
            "message trials { required binary trial_id (STRING); required int64 n_params;"
                + " required int64 tokens; optional double final_eval_loss;"
                + " required binary status (STRING);"
                + (withStderr ? " optional double eval_loss_stderr;" : "")
                + " }");
    SimpleGroupFactory f = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema).build()) {
      for (int i = 0; i < stderr.length; i++) {
        Group g =
            f.newGroup()
                .append("trial_id", "t" + i)
                .append("n_params", 12288L * (i + 1))
                .append("tokens", 65536L)
                .append("final_eval_loss", 3.0 - 0.1 * i)
                .append("status", status[i]);
        if (withStderr) {
          g.append("eval_loss_stderr", stderr[i]);
        }
        w.write(g);
      }
    }
  }
}
