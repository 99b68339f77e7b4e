package dev.scaling.driver;

import dev.scaling.driver.sweep.ResumePolicy;
import dev.scaling.driver.sweep.RunOutcome;
import dev.scaling.driver.sweep.SweepRequest;
import dev.scaling.driver.sweep.SweepService;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sweep run SPEC --out DIR}: parses the options into a {@link SweepRequest} and runs it with
 * {@link SweepService}, which validates the spec, prints the plan, trains every trial as a Spark
 * task, and writes {@code OUT/spec.yaml}, {@code OUT/trials}, {@code OUT/curves}, the fits and the
 * report. The Spark master comes from spark-submit (the {@code ./sweep} launcher sets {@code
 * local[*]}); it is never hard-coded.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run a sweep: plan, train every trial on Spark, write Parquet tables.")
public final class RunCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "SPEC",
      description = "Sweep spec (YAML); a local path or any Hadoop FS URI.")
  String spec;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Output folder (local path or Hadoop FS URI).")
  String out;

  @Option(names = "--plan-only", description = "Validate and print the plan, start no Spark job.")
  boolean planOnly;

  @Option(
      names = "--rerun-failed",
      description = "Train again the trials committed as failed (diverged ones stay).")
  boolean rerunFailed;

  @Option(
      names = "--force",
      description =
          "Start over: move OUT/commits aside to OUT/.replaced-<UTC time>/, remove"
              + " OUT/checkpoints and train all.")
  boolean force;

  @Option(
      names = "--extend",
      description =
          "Allow a spec whose grid differs from OUT/spec.yaml; only new grid points train.")
  boolean extend;

  @Option(
      names = "--checkpoint-every",
      paramLabel = "SECONDS",
      converter = OptionRules.NonNegativeDouble.class,
      description =
          "Trials save model, optimiser and data position to OUT/checkpoints this often, so a retried"
              + " attempt resumes there; 0 turns it off (default ${DEFAULT-VALUE}).")
  double checkpointSeconds = SweepRequest.DEFAULT_CHECKPOINT_SECONDS;

  @Option(
      names = "--verify-predictions",
      description =
          "With training.predict_branches: train the predicted branches too and report each"
              + " prediction against its trained twin (in units of the evaluation noise); the fit"
              + " uses the trained ones.")
  boolean verifyPredictions;

  @Mixin FitOptionsMixin fit;

  @Mixin PredictedRowsMixin predicted;

  RunOutcome outcome;

  /** Parses {@code args} (as after the word {@code run}) and runs the sweep. */
  public static RunOutcome run(String... args) {
    RunCommand cmd = new RunCommand();
    int code = new CommandLine(cmd).execute(args);
    if (cmd.outcome == null) {
      throw new IllegalStateException("sweep run did not complete (exit code " + code + ")");
    }
    return cmd.outcome;
  }

  /** The request these options describe. */
  SweepRequest request() {
    return SweepRequest.builder(spec, out)
        .planOnly(planOnly)
        .resume(new ResumePolicy(force, extend, rerunFailed))
        .checkpointSeconds(checkpointSeconds)
        .huberDelta(fit.huberDelta())
        .bootstrap(fit.bootstrap())
        .verifyPredictions(verifyPredictions)
        .excludePredicted(predicted.excludePredicted())
        .build();
  }

  @Override
  public Integer call() throws Exception {
    outcome = SweepService.run(request(), System.out);
    return outcome.exitCode();
  }
}
