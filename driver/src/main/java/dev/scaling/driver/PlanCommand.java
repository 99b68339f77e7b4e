package dev.scaling.driver;

import dev.scaling.common.fit.ChinchillaParams;
import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.fit.Identifiability;
import dev.scaling.common.fit.Quantiles;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.trial.ConfigWalk;
import dev.scaling.common.trial.PlanningCatalog;
import dev.scaling.common.trial.Seeds;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.fit.FitsTable;
import dev.scaling.driver.fit.InputTable;
import dev.scaling.driver.fit.TableReader;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.io.SpecDiff;
import dev.scaling.driver.io.SweepFiles;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import dev.scaling.driver.power.DesignRow;
import dev.scaling.driver.power.Noise;
import dev.scaling.driver.power.PowerResult;
import dev.scaling.driver.power.PowerSimulation;
import dev.scaling.driver.report.SeedSpread;
import dev.scaling.driver.spark.HadoopConfs;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code sweep plan SPEC}: prints the planned grid (trials, the N and D the fit will use, FLOPs,
 * the wsd trunks) without Spark or training; with {@code --power} it also simulates the design
 * under an assumed Chinchilla law plus evaluation noise, fits every simulated sweep as the real one
 * would be fitted and prints the expected interval widths and biases of alpha, beta, E, a and
 * N_opt, with a verdict per exponent: will this sweep pin it before any compute is spent?
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description =
        "Print a sweep's planned grid; with --power, simulate it under an assumed law and print"
            + " the expected interval widths of the fitted exponents.")
public final class PlanCommand implements Callable<Integer> {
  /** Hoffmann et al. 2022's published approach-3 fit: E, A, B, alpha, beta. */
  public static final ChinchillaParams CHINCHILLA_PUBLISHED =
      new ChinchillaParams(1.69, 406.4, 410.7, 0.34, 0.28);

  /** Simulated sweeps by default. */
  static final int DEFAULT_SIMULATIONS = 200;

  /** The per-trial column of measured evaluation noise in {@code OUT/trials}. */
  static final String STDERR_COLUMN = "eval_loss_stderr";

  @Parameters(
      index = "0",
      paramLabel = "SPEC",
      description = "Sweep spec (YAML); a local path or any Hadoop FS URI.")
  String spec;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "A finished or partial run of this spec: --power then uses its measured noise: the spread"
              + " between seeds where a grid point has 2+ seeds, else the evaluation noise (median"
              + " eval_loss_stderr of OUT/trials, else of OUT/commits).")
  String out;

  @Option(
      names = "--power",
      description =
          "Simulate the design under an assumed law and print the expected interval widths.")
  boolean power;

  @Option(
      names = "--assume",
      paramLabel = "E,A,B,alpha,beta",
      converter = AssumedLaw.class,
      description =
          "The assumed law (default: Chinchilla's published E=1.69, A=406.4, B=410.7, alpha=0.34,"
              + " beta=0.28); five numbers, or name=value pairs as the fit summary prints them.")
  ChinchillaParams assume;

  @Option(
      names = "--assume-from",
      paramLabel = "DIR",
      description = "Assume the Chinchilla point estimate of a finished run's DIR/fits table.")
  String assumeFrom;

  @Option(
      names = "--noise",
      paramLabel = "SD",
      converter = OptionRules.NonNegativeDouble.class,
      description =
          "Evaluation noise, nats (standard deviation of each trial's loss); default: measured from"
              + " --out, else "
              + Noise.DEFAULT_SD
              + " assumed.")
  Double noise;

  @Option(
      names = "--simulations",
      paramLabel = "K",
      defaultValue = "" + DEFAULT_SIMULATIONS,
      converter = OptionRules.PositiveInt.class,
      description = "Simulated sweeps (default ${DEFAULT-VALUE}).")
  int simulations;

  @Option(
      names = "--target-flops",
      paramLabel = "C",
      converter = OptionRules.PositiveDouble.class,
      description = "Compute at which N_opt is judged (default 10x the largest trial's 6ND).")
  Double targetFlops;

  @Option(
      names = "--seed",
      paramLabel = "S",
      converter = OptionRules.AnyLong.class,
      description = "Seed the simulations derive from (default: the spec's sweep seed).")
  Long seed;

  @Option(
      names = "--huber-delta",
      paramLabel = "DELTA",
      defaultValue = "1e-3",
      converter = OptionRules.PositiveDouble.class,
      description = "Huber delta of the fits, as for run (default ${DEFAULT-VALUE}).")
  double huberDelta;

  @Option(
      names = "--full-grid",
      description =
          "Fit every simulated sweep from the whole 4500-point start grid, as the real fit does"
              + " (about 10x slower); by default each starts from the assumed law, the noise-free"
              + " design's optima and the coarse grid.")
  boolean fullGrid;

  @Option(
      names = "--pin",
      paramLabel = "HALF_WIDTH",
      defaultValue = "0.05",
      converter = OptionRules.PositiveDouble.class,
      description = "The +- each exponent's verdict asks for (default ${DEFAULT-VALUE}).")
  double pin;

  @CommandLine.Spec CommandLine.Model.CommandSpec commandSpec;

  PlanOutcome outcome;

  /**
   * What {@code plan} found.
   *
   * @param plan the planned trials
   * @param design the rows the fit will see (learning-rate siblings merged)
   * @param power the simulation's result; null without --power
   * @param printed everything printed
   */
  public record PlanOutcome(Plan plan, List<DesignRow> design, PowerResult power, String printed) {
    public PlanOutcome {
      design = List.copyOf(design);
    }
  }

  /** Parses {@code args} (as after the word {@code plan}) and plans; throws on bad input. */
  public static PlanOutcome run(String... args) {
    PlanCommand cmd = new PlanCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.execute(new PrintWriter(System.out, true));
  }

  @Override
  public Integer call() {
    outcome = execute(commandSpec.commandLine().getOut());
    return 0;
  }

  PlanOutcome execute(PrintWriter console) {
    if (assume != null && assumeFrom != null) {
      throw new SpecException("--assume-from", "not given together with --assume", assumeFrom);
    }
    Configuration hadoop = HadoopConfs.forDriver();
    SweepSpec sweep;
    try {
      sweep = RunCommand.qualifyCorpus(SpecParser.parse(SweepFiles.readText(spec, hadoop)), hadoop);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + spec, e);
    }
    Plan plan = Planner.plan(sweep);
    List<DesignRow> design = design(plan);
    int slots = Runtime.getRuntime().availableProcessors();
    StringBuilder text =
        new StringBuilder(
            plan.describe(
                slots,
                plan.estimatedSeconds(slots, Plan.DEFAULT_FLOPS_PER_SLOT),
                String.format(
                    Locale.ROOT,
                    "provisional, at %.3g 6ND FLOP/s per slot; run times a probe first",
                    Plan.DEFAULT_FLOPS_PER_SLOT)));
    text.append(describeDesign(design));
    PowerResult result = null;
    if (power) {
      result = simulate(sweep, design, hadoop);
      text.append(result.describe());
    }
    console.print(text);
    console.flush();
    return new PlanOutcome(plan, design, result, text.toString());
  }

  /**
   * The rows the fit of this plan will see: one per configuration without its learning rate (the
   * fit keeps the lowest final loss over learning rates), N the family's non-embedding count (the
   * {@code n_params} the fit reads) and D the trial's tokens.
   */
  static List<DesignRow> design(Plan plan) {
    Map<List<ConfigWalk.Leaf>, List<Trial>> groups = new LinkedHashMap<>();
    for (Trial t : plan.trials()) {
      groups.computeIfAbsent(SweepLaws.withoutLearningRate(t), k -> new ArrayList<>()).add(t);
    }
    return groups.values().stream()
        .map(g -> new DesignRow(g.get(0).nParams(), g.get(0).tokens(), g.size()))
        .toList();
  }

  /** The fit's view of the design: ranges of N, D and D/N, and the compute. */
  static String describeDesign(List<DesignRow> rows) {
    double[] n = rows.stream().mapToDouble(DesignRow::n).toArray();
    double[] d = rows.stream().mapToDouble(DesignRow::d).toArray();
    double[] tpp = rows.stream().mapToDouble(r -> r.d() / r.n()).toArray();
    int copies = rows.stream().mapToInt(DesignRow::copies).max().orElse(1);
    StringBuilder warnings = new StringBuilder();
    // The fit's own design warnings depend on N and D alone, so they are known before any loss.
    Identifiability.check(rows.stream().map(r -> new ScalingPoint(r.n(), r.d(), 1)).toList())
        .forEach(w -> warnings.append("  the fit will warn: ").append(w.message()).append('\n'));
    return String.format(
            Locale.ROOT,
            "Fit design: %d rows (N = n_params, the family's non-embedding parameters; D = tokens%s):%n"
                + "  N %.4g to %.4g (%.2f decades, %d distinct), D %.4g to %.4g (%.2f decades, %d"
                + " distinct), D/N %.3g to %.3g; 6ND per row %.3g to %.3g, %.3g in total%n",
            rows.size(),
            copies > 1 ? "; the lowest loss of " + copies + " learning rates per row" : "",
            min(n),
            max(n),
            Math.log10(max(n) / min(n)),
            Arrays.stream(n).distinct().count(),
            min(d),
            max(d),
            Math.log10(max(d) / min(d)),
            Arrays.stream(d).distinct().count(),
            min(tpp),
            max(tpp),
            rows.stream().mapToDouble(DesignRow::flops).min().orElse(0),
            rows.stream().mapToDouble(DesignRow::flops).max().orElse(0),
            rows.stream().mapToDouble(DesignRow::flops).sum())
        + warnings;
  }

  private PowerResult simulate(SweepSpec sweep, List<DesignRow> design, Configuration hadoop) {
    long distinctN = design.stream().mapToDouble(DesignRow::n).distinct().count();
    long distinctD = design.stream().mapToDouble(DesignRow::d).distinct().count();
    if (design.size() < SweepLaws.MIN_TRIALS || distinctN < 3 || distinctD < 3) {
      throw new SpecException(
          "grid",
          String.format(
              Locale.ROOT,
              "at least %d fitted rows with 3 distinct N and 3 distinct D for --power (the"
                  + " Chinchilla fit it simulates needs them)",
              SweepLaws.MIN_TRIALS),
          String.format(
              Locale.ROOT,
              "%d rows, %d distinct N, %d distinct D",
              design.size(),
              distinctN,
              distinctD));
    }
    ChinchillaParams truth = CHINCHILLA_PUBLISHED;
    String lawSource = "Chinchilla's published fit, Hoffmann et al. 2022; --assume to change";
    if (assume != null) {
      truth = assume;
      lawSource = "--assume";
    } else if (assumeFrom != null) {
      truth = FitsTable.readChinchilla(assumeFrom, hadoop);
      lawSource = "the chinchilla point estimate in " + assumeFrom + "/fits";
    }
    Noise n = noise(sweep, hadoop);
    double largest = design.stream().mapToDouble(DesignRow::flops).max().orElseThrow();
    double c = targetFlops != null ? targetFlops : 10 * largest;
    String cSource =
        targetFlops != null
            ? "--target-flops"
            : String.format(
                Locale.ROOT, "10x the largest trial's 6ND %.3g, as the fit reports", largest);
    long sweepSeed = seed != null ? seed : sweep.seed();
    FitOptions options =
        FitOptions.defaults()
            .withHuberDelta(huberDelta)
            .withBootstrap(0, Seeds.derive(sweepSeed, "bootstrap"));
    return PowerSimulation.run(
        design,
        truth,
        lawSource,
        n,
        simulations,
        Seeds.derive(sweepSeed, "power"),
        c,
        cSource,
        options,
        pin,
        notes(sweep, design, truth),
        fullGrid ? PowerSimulation.Starts.GRID : PowerSimulation.Starts.WARM);
  }

  /** Warnings on the assumption: predicted losses above a uniform guess over the vocabulary. */
  private static List<String> notes(
      SweepSpec sweep, List<DesignRow> design, ChinchillaParams truth) {
    List<String> notes = new ArrayList<>();
    double lo = design.stream().mapToDouble(r -> truth.predict(r.n(), r.d())).min().orElseThrow();
    double hi = design.stream().mapToDouble(r -> truth.predict(r.n(), r.d())).max().orElseThrow();
    int vocab;
    try {
      vocab = PlanningCatalog.get().vocab(sweep.data());
    } catch (RuntimeException e) {
      // A tokenizer trained on first use has no vocabulary yet: no uniform-guess check.
      return notes;
    }
    double uniform = Math.log(vocab);
    if (hi > uniform) {
      notes.add(
          String.format(
              Locale.ROOT,
              "the assumed law predicts losses of %.3g to %.3g nats on this grid, above ln(vocab"
                  + " %d) = %.3g, the loss of a uniform guess: it does not hold at this scale, so"
                  + " the widths below are optimistic; assume a law measured at this scale"
                  + " (--assume from a pilot fit's summary, or --assume-from a finished run)",
              lo,
              hi,
              vocab,
              uniform));
    }
    return notes;
  }

  /** --noise, else the measured noise of a run in --out, else the stated default. */
  private Noise noise(SweepSpec sweep, Configuration hadoop) {
    if (noise != null) {
      return new Noise(noise, Noise.Source.GIVEN, "--noise");
    }
    if (out == null) {
      return Noise.assumed("no --noise and no --out with a run of this spec");
    }
    try {
      String outDir = SweepFiles.qualify(out, hadoop);
      String previous = SweepFiles.readTextIfExists(outDir + "/spec.yaml", hadoop);
      if (previous == null) {
        return Noise.assumed(out + " holds no run (no spec.yaml)");
      }
      SweepSpec before = RunCommand.qualifyCorpus(SpecParser.parse(previous), hadoop);
      List<String> differences =
          SpecDiff.diff(before, sweep).stream().filter(d -> !d.startsWith("grid.")).toList();
      if (!differences.isEmpty()) {
        return Noise.assumed(
            out + " holds another sweep (differs in " + String.join("; ", differences) + ")");
      }
      double[] v;
      String where;
      SpecException tableProblem = null;
      try {
        InputTable stderr =
            TableReader.read(outDir + "/trials", hadoop, null, null, STDERR_COLUMN, null, true);
        v = stderr.rows().stream().mapToDouble(r -> r.point().loss()).toArray();
        where = out + "/trials";
      } catch (SpecException e) {
        // No table (a partial run writes it only at the end) or an older one: the commits.
        tableProblem = e;
        v = committedStderr(outDir, hadoop);
        where = out + "/commits";
      }
      if (v.length == 0) {
        throw tableProblem != null ? tableProblem : SpecException.of("--out", "no stderr");
      }
      Arrays.sort(v);
      Noise evaluation =
          new Noise(
              Quantiles.median(v),
              Noise.Source.MEASURED,
              String.format(
                  Locale.ROOT,
                  "median %s of %d finished trials in %s, from %.3g to %.3g",
                  STDERR_COLUMN,
                  v.length,
                  where,
                  v[0],
                  v[v.length - 1]));
      // Seeds of one grid point hold what the evaluation noise leaves out: prefer their spread.
      return seedSpread(outDir, hadoop)
          .map(
              spread ->
                  new Noise(
                      spread.sd(),
                      Noise.Source.SEED_SPREAD,
                      String.format(
                          Locale.ROOT,
                          "pooled sd of the final loss between seeds over %d grid points with 2+"
                              + " seeds (%d trials) in %s/commits; the evaluation noise alone is"
                              + " %.3g, the %s",
                          spread.points(),
                          spread.trials(),
                          out,
                          evaluation.sd(),
                          evaluation.detail())))
          .orElse(evaluation);
    } catch (SpecException e) {
      // No trials table yet, or one written before the noise was measured: say so and assume.
      String why =
          switch (e.field()) {
            case "--loss-col" ->
                out + "/trials has no " + STDERR_COLUMN + " column, nor its commits (an older run)";
            case "--input" ->
                e.getMessage().contains("no usable rows")
                    ? "no finished trial in " + out + "/trials has a " + STDERR_COLUMN
                    : out + " has no trials table and no finished commit with " + STDERR_COLUMN;
            default -> "no measured noise in " + out + "/trials (" + e.getMessage() + ")";
          };
      return Noise.assumed(why);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + out, e);
    }
  }

  /**
   * The {@code evalLossStderr} of every finished trial committed in {@code OUT/commits} (one JSON
   * file per trial, written the moment it ends, so a partial run has them too), read by the same
   * {@link CommitLog} that resumes a sweep; empty when none.
   *
   * @throws SpecException on {@code --out} when a commit is unreadable by this version
   */
  static double[] committedStderr(String outDir, Configuration hadoop) throws IOException {
    return new CommitLog(outDir, hadoop)
        .readAll().values().stream()
            .map(TrialOutcome::result)
            .filter(r -> r.status() == TrialStatus.FINISHED)
            .map(TrialResult::evalLossStderr)
            .filter(e -> e != null && e > 0 && Double.isFinite(e))
            .mapToDouble(Double::doubleValue)
            .toArray();
  }

  /**
   * The spread between seeds of the run's committed trials; empty when no grid point has two
   * finished seeds, or when a commit is unreadable by this version (the evaluation noise is then
   * used).
   */
  static Optional<SeedSpread> seedSpread(String outDir, Configuration hadoop) throws IOException {
    try {
      return SeedSpread.of(new CommitLog(outDir, hadoop).readAll().values());
    } catch (SpecException unreadable) {
      return Optional.empty();
    }
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElse(Double.NaN);
  }

  /**
   * {@code --assume}: five numbers E,A,B,alpha,beta, or the five as name=value pairs (the fit
   * summary's {@code E=1.79 A=406 B=411 alpha=0.34 beta=0.28}), separated by commas or spaces; E >=
   * 0 and A, B, alpha, beta > 0.
   */
  public static final class AssumedLaw implements ITypeConverter<ChinchillaParams> {
    static final List<String> NAMES = List.of("E", "A", "B", "alpha", "beta");
    static final String RULE =
        "five numbers E,A,B,alpha,beta (or E=..,A=..,B=..,alpha=..,beta=..) with E >= 0 and A,"
            + " B, alpha, beta > 0";

    @Override
    public ChinchillaParams convert(String value) {
      // The fit summary's intervals ("alpha=0.34 [0.30, 0.38]") are dropped, so its line can be
      // pasted as it is.
      String[] parts = value.replaceAll("\\[[^\\]]*\\]", " ").trim().split("[,;\\s]+");
      double[] v = new double[5];
      boolean named = Arrays.stream(parts).anyMatch(p -> p.contains("="));
      if (parts.length != 5) {
        throw new TypeConversionException(RULE + " (" + parts.length + " given)");
      }
      boolean[] seen = new boolean[5];
      for (int i = 0; i < 5; i++) {
        String p = parts[i];
        int k = i;
        if (named) {
          int eq = p.indexOf('=');
          k = eq < 0 ? -1 : NAMES.indexOf(p.substring(0, eq).trim());
          if (k < 0 || seen[k]) {
            throw new TypeConversionException(RULE + " (" + p + " names none or a repeat)");
          }
          p = p.substring(eq + 1);
        }
        seen[k] = true;
        try {
          v[k] = Double.parseDouble(p.trim());
        } catch (NumberFormatException e) {
          throw new TypeConversionException(RULE + " (" + p + " is not a number)");
        }
        boolean ok = Double.isFinite(v[k]) && (k == 0 ? v[k] >= 0 : v[k] > 0);
        if (!ok) {
          throw new TypeConversionException(
              RULE
                  + " ("
                  + NAMES.get(k)
                  + " = "
                  + p.trim()
                  + " is not "
                  + (k == 0 ? ">= 0" : "> 0")
                  + ")");
        }
      }
      return new ChinchillaParams(v[0], v[1], v[2], v[3], v[4]);
    }
  }
}
