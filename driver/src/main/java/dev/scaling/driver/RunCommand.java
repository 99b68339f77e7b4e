package dev.scaling.driver;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.io.SweepFiles;
import dev.scaling.driver.plan.Durations;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import dev.scaling.driver.spark.ResultTables;
import dev.scaling.driver.spark.SweepRunner;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sweep run SPEC --out DIR}: validates the spec, prints the plan, trains every trial as a Spark
 * task, and writes {@code OUT/spec.yaml}, {@code OUT/trials} and {@code OUT/curves}. The Spark master
 * comes from spark-submit (the {@code ./sweep} launcher sets {@code local[*]}); it is never hard-coded.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a sweep: plan, train every trial on Spark, write Parquet tables.")
public final class RunCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "SPEC", description = "Sweep spec (YAML); a local path or any Hadoop FS URI.")
  String spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (local path or Hadoop FS URI).")
  String out;

  @Option(names = "--plan-only", description = "Validate and print the plan, start no Spark job.")
  boolean planOnly;

  RunOutcome outcome;

  /** What a run produced; tests and the exit code read it. */
  public record RunOutcome(String runId, String outDir, Plan plan, List<TrialOutcome> outcomes, double wallSeconds) {
    public RunOutcome {
      outcomes = List.copyOf(outcomes);
    }

    /** Trials with the given status. */
    public long count(TrialStatus status) {
      return outcomes.stream().filter(o -> o.result().status() == status).count();
    }

    /** 0 when every trial finished, 3 when some failed or diverged. */
    public int exitCode() {
      return count(TrialStatus.FINISHED) == outcomes.size() ? 0 : 3;
    }
  }

  /** Parses {@code args} (as after the word {@code run}) and runs the sweep. */
  public static RunOutcome run(String... args) {
    RunCommand cmd = new RunCommand();
    int code = new CommandLine(cmd).execute(args);
    if (cmd.outcome == null) {
      throw new IllegalStateException("sweep run did not complete (exit code " + code + ")");
    }
    return cmd.outcome;
  }

  @Override
  public Integer call() throws Exception {
    outcome = execute(System.out);
    return outcome.exitCode();
  }

  RunOutcome execute(PrintStream console) throws Exception {
    long start = System.nanoTime();
    Configuration hadoop = new Configuration();
    String specText = SweepFiles.readText(spec, hadoop);
    SweepSpec sweep = SpecParser.parse(specText);
    Plan plan = Planner.plan(sweep);
    String outDir = SweepFiles.qualify(out, hadoop);
    if (planOnly) {
      console.print(plan.describe(1));
      return new RunOutcome("plan-only", outDir, plan, List.of(), 0);
    }
    SweepFiles.checkWritable(outDir, hadoop);

    SparkSession spark = SparkSession.builder().appName("sweep " + sweep.name()).getOrCreate();
    console.print(plan.describe(SweepRunner.slots(spark)));
    console.printf(Locale.ROOT, "Spark UI: %s   run_id: %s%n",
        spark.sparkContext().uiWebUrl().getOrElse(() -> "(disabled)"), spark.sparkContext().applicationId());
    console.flush();
    SweepFiles.writeText(outDir + "/spec.yaml", specText, spark.sparkContext().hadoopConfiguration());

    SweepRunner.Trained trained = SweepRunner.train(spark, plan, plan.trials(), console);
    ResultTables.write(spark, trained.outcomes(), outDir);
    RunOutcome result = new RunOutcome(trained.runId(), outDir, plan, trained.outcomes(), (System.nanoTime() - start) / 1e9);
    console.print(summary(result));
    return result;
  }

  static String summary(RunOutcome r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%nTrials (final held-out loss, nats/token):%n"));
    sb.append(String.format(Locale.ROOT, "  %-16s %6s %5s %10s %10s %10s %10s %9s%n",
        "trial_id", "width", "depth", "tokens", "eval_loss", "train_loss", "tokens/s", "status"));
    for (TrialOutcome o : r.outcomes()) {
      sb.append(String.format(Locale.ROOT, "  %-16s %6d %5d %10d %10.4f %10.4f %10.0f %9s%n",
          o.trial().trialId(), o.trial().width(), o.trial().depth(), o.trial().tokens(),
          o.result().finalEvalLoss(), o.result().finalTrainLoss(), o.result().tokensPerSecond(),
          o.result().status().label()));
    }
    r.outcomes().stream().map(o -> o.result().entropyFloor()).filter(f -> f != null).findFirst()
        .ifPresent(f -> sb.append(String.format(Locale.ROOT, "Entropy floor of the synthetic source: %.4f nats/token%n", f)));
    sb.append(String.format(Locale.ROOT,
        "%d finished, %d diverged, %d failed of %d trials in %s. Tables: %s/trials, %s/curves%n",
        r.count(TrialStatus.FINISHED), r.count(TrialStatus.DIVERGED), r.count(TrialStatus.FAILED),
        r.outcomes().size(), Durations.format(r.wallSeconds()), r.outDir(), r.outDir()));
    return sb.toString();
  }
}
