package dev.scaling.driver;

import dev.scaling.common.fit.ChinchillaParams;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.power.Noise;
import dev.scaling.driver.sweep.PlanOutcome;
import dev.scaling.driver.sweep.PlanRequest;
import dev.scaling.driver.sweep.PlanService;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sweep plan SPEC}: parses the options into a {@link PlanRequest}, plans it with {@link
 * PlanService} (the planned grid, every row up to {@link Plan#FULL_TABLE_MAX} trials and a summary
 * above unless {@code --all}, the design as the fit sees it; with {@code --power} the simulated
 * interval widths and biases of alpha, beta, E, a and N_opt with a verdict per exponent) and prints
 * the result. No Spark, no training.
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description =
        "Print a sweep's planned grid; with --power, simulate it under an assumed law and print"
            + " the expected interval widths of the fitted exponents.")
public final class PlanCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "SPEC",
      description = "Sweep spec (YAML); a local path or any Hadoop FS URI.")
  String spec;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "A (partial) run of this spec: --power uses its noise (the spread between seeds, else"
              + " the median eval_loss_stderr).")
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
          "The assumed law (default: Chinchilla's published fit); five numbers, or the fit"
              + " summary's name=value pairs.")
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
      converter = OptionRules.PositiveInt.class,
      description = "Simulated sweeps (default ${DEFAULT-VALUE}).")
  int simulations = PlanRequest.DEFAULT_SIMULATIONS;

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

  @Mixin FitOptionsMixin fit;

  @Option(
      names = "--full-grid",
      description =
          "Fit each simulated sweep from the whole 4500-point start grid (about 10x slower); by"
              + " default from the assumed law, the noise-free optima and the coarse grid.")
  boolean fullGrid;

  @Option(
      names = "--pin",
      paramLabel = "HALF_WIDTH",
      converter = OptionRules.PositiveDouble.class,
      description = "The +- each exponent's verdict asks for (default ${DEFAULT-VALUE}).")
  double pin = PlanRequest.DEFAULT_PIN;

  @Option(
      names = "--all",
      description =
          "Print every trial's row; by default a plan of more than "
              + Plan.FULL_TABLE_MAX
              + " trials is summarised (trials per axis value, cost percentiles, the largest"
              + " trials).")
  boolean all;

  @CommandLine.Spec CommandLine.Model.CommandSpec commandSpec;

  /** Parses {@code args} (as after the word {@code plan}) and plans; throws on bad input. */
  public static PlanOutcome run(String... args) {
    PlanCommand cmd = new PlanCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.execute(new PrintWriter(System.out, true));
  }

  /** The request these options describe. */
  PlanRequest request() {
    return PlanRequest.builder(spec)
        .out(out)
        .power(power)
        .assume(assume)
        .assumeFrom(assumeFrom)
        .noise(noise)
        .simulations(simulations)
        .targetFlops(targetFlops)
        .seed(seed)
        .huberDelta(fit.huberDelta())
        .fullGrid(fullGrid)
        .pin(pin)
        .all(all)
        .build();
  }

  @Override
  public Integer call() {
    execute(commandSpec.commandLine().getOut());
    return 0;
  }

  private PlanOutcome execute(PrintWriter console) {
    PlanOutcome result = PlanService.plan(request());
    console.print(result.printed());
    console.flush();
    return result;
  }
}
