package dev.scaling.driver;

import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.trial.Seeds;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.fit.FitOutcome;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.io.SpecDiff;
import dev.scaling.driver.io.SweepFiles;
import dev.scaling.driver.live.SweepWatch;
import dev.scaling.driver.live.TimeEstimate;
import dev.scaling.driver.plan.Durations;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import dev.scaling.driver.plan.Trunk;
import dev.scaling.driver.plan.Trunks;
import dev.scaling.driver.spark.GraphRunner;
import dev.scaling.driver.spark.HadoopConfs;
import dev.scaling.driver.spark.ResultTables;
import dev.scaling.driver.spark.SweepRunner;
import dev.scaling.driver.spark.TokenizeJob;
import dev.scaling.driver.spark.TrialProvenance;
import dev.scaling.worker.data.DataSources;
import dev.scaling.worker.data.TokenCache;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sweep run SPEC --out DIR}: validates the spec, prints the plan, trains every trial as a
 * Spark task, and writes {@code OUT/spec.yaml}, {@code OUT/trials} and {@code OUT/curves}. The
 * Spark master comes from spark-submit (the {@code ./sweep} launcher sets {@code local[*]}); it is
 * never hard-coded.
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
      description = "Start over: forget every committed trial in OUT and train all.")
  boolean force;

  @Option(
      names = "--extend",
      description =
          "Allow a spec whose grid differs from OUT/spec.yaml; only new grid points train.")
  boolean extend;

  @Option(
      names = "--checkpoint-every",
      paramLabel = "SECONDS",
      defaultValue = "300",
      converter = OptionRules.NonNegativeDouble.class,
      description =
          "Trials save model, optimiser and data position to OUT/checkpoints this often, so a retried"
              + " attempt resumes there; 0 turns it off (default ${DEFAULT-VALUE}).")
  double checkpointSeconds;

  @Option(
      names = "--bootstrap",
      paramLabel = "N",
      defaultValue = "1000",
      converter = OptionRules.NonNegativeInt.class,
      description = "Bootstrap resamples for the fits' intervals (default ${DEFAULT-VALUE}).")
  int bootstrap;

  @Option(
      names = "--huber-delta",
      paramLabel = "DELTA",
      defaultValue = "1e-3",
      converter = OptionRules.PositiveDouble.class,
      description = "Huber delta of the fits' objective (default ${DEFAULT-VALUE}).")
  double huberDelta;

  RunOutcome outcome;

  /** Bootstrap resamples of the fits made while the sweep runs (the page's and the report's). */
  static final int INTERIM_BOOTSTRAP = 200;

  /** Fit settings; the bootstrap's seed derives from the one sweep seed. */
  private FitOptions fitOptions(long sweepSeed) {
    return FitOptions.defaults()
        .withHuberDelta(huberDelta)
        .withBootstrap(bootstrap, Seeds.derive(sweepSeed, "bootstrap"));
  }

  /**
   * What a run produced; tests and the exit code read it.
   *
   * @param runId this run's id (the Spark application id and the start time)
   * @param outDir the qualified OUT folder
   * @param plan the full plan of the spec
   * @param outcomes every committed trial in OUT after this run, earlier runs' included, in plan
   *     order
   * @param trainedThisRun how many trials this run trained
   * @param fit the laws fitted at the end, null when too few trials finished
   * @param wallSeconds wall time of the run
   */
  public record RunOutcome(
      String runId,
      String outDir,
      Plan plan,
      List<TrialOutcome> outcomes,
      int trainedThisRun,
      FitOutcome fit,
      double wallSeconds) {
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
    // One Hadoop configuration from the Spark conf (spark.hadoop.*), the same the executors build.
    Configuration hadoop = HadoopConfs.forDriver();
    String specText = SweepFiles.readText(spec, hadoop);
    SweepSpec sweep = qualifyCorpus(SpecParser.parse(specText), hadoop);
    Plan plan = Planner.plan(sweep);
    checkCorpus(plan, hadoop);
    String outDir = SweepFiles.qualify(out, hadoop);
    if (planOnly) {
      console.print(plan.describe(1));
      return new RunOutcome("plan-only", outDir, plan, List.of(), 0, null, 0);
    }
    SweepFiles.checkWritable(outDir, hadoop);
    checkSameSweep(outDir, sweep, hadoop);
    CommitLog commits = new CommitLog(outDir, hadoop);
    List<Trial> todo = trialsToTrain(plan, commits, console);

    SparkSession spark = SparkSession.builder().appName("sweep " + sweep.name()).getOrCreate();
    int slots = SweepRunner.slots(spark);
    // Text corpora are tokenized once, across the executors, before anything else reads them (the
    // time probe below trains on the shards).
    TokenizeJob.Result tokens =
        TokenizeJob.run(
            spark,
            sweep.data(),
            sweep.model().context(),
            plan.trials().stream().mapToLong(Trial::tokens).max().orElse(0),
            hadoop,
            console);
    TimeEstimate estimate = estimate(spark, sweep, plan, todo, slots, hadoop);
    List<Trunk> trunks = Trunks.of(todo);
    if (!trunks.isEmpty()) {
      // Branches share their trunks: the work is the trunks plus the cooldowns, not every D in
      // full.
      double ratio = Trunks.flopsRatio(trunks);
      estimate =
          estimate.scaled(ratio, String.format(Locale.ROOT, "x%.2f for branched cooldowns", ratio));
    }
    console.print(plan.describe(slots, estimate.seconds(), estimate.basis()));
    Set<String> toTrain = todo.stream().map(Trial::trialId).collect(Collectors.toSet());
    boolean[] refinedPrinted = {!estimate.provisional()};
    // The Sweep tab of the Spark UI, fed by live accumulators and the commits; OUT/report is
    // refreshed after each commit.
    FitOptions interimFit =
        FitOptions.defaults()
            .withHuberDelta(huberDelta)
            .withBootstrap(
                Math.min(bootstrap, INTERIM_BOOTSTRAP), Seeds.derive(sweep.seed(), "bootstrap"));
    SweepWatch watch =
        SweepWatch.start(
            spark.sparkContext(),
            plan,
            commits.readAll().values(),
            outDir,
            hadoop,
            committed -> {
              if (!refinedPrinted[0]) {
                refinedPrinted[0] = printRefined(console, plan, committed, toTrain, slots);
              }
              return SweepLaws.interim(committed, outDir, hadoop, interimFit);
            });
    watch.model().estimate(estimate.view());
    console.printf(
        Locale.ROOT,
        "Spark UI: %s   application: %s   sweep page: %s%n",
        spark.sparkContext().uiWebUrl().getOrElse(() -> "(disabled)"),
        spark.sparkContext().applicationId(),
        watch.pageUrl().orElse("(disabled)"));
    console.flush();
    SweepFiles.writeText(outDir + "/spec.yaml", specText, hadoop);
    copyTrainedTokenizer(sweep.data(), tokens, outDir, hadoop);

    SweepRunner.Trained trained;
    long trainStart = System.nanoTime();
    try {
      if (plan.trials().stream().anyMatch(Trial::branched)) {
        // wsd: trunks and their branched cooldowns as a task graph.
        GraphRunner.Trained graph =
            GraphRunner.train(spark, plan, todo, outDir, checkpointSeconds, hadoop, console);
        trained = new SweepRunner.Trained(graph.runId(), graph.outcomes());
      } else {
        trained = SweepRunner.train(spark, plan, todo, outDir, checkpointSeconds, console);
      }
    } finally {
      watch.close();
    }
    double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
    // The tables are consolidated from the commit files: every committed trial exactly once,
    // including those committed by earlier runs into the same OUT.
    List<TrialOutcome> all = new ArrayList<>(commits.readAll().values());
    Map<String, Integer> order = plan.positions();
    all.sort(
        Comparator.comparingInt(o -> order.getOrDefault(o.trial().trialId(), Integer.MAX_VALUE)));
    ResultTables.write(spark, all, outDir);
    console.print(summary(all));
    FitOutcome fit = null;
    try {
      fit = SweepLaws.fitAndReport(all, outDir, hadoop, fitOptions(sweep.seed()));
    } catch (RuntimeException e) {
      // The trials are safe in OUT; a fit that cannot be made must not fail the sweep.
      console.printf(
          Locale.ROOT,
          "Fits failed (the trial tables are complete; try ./sweep fit --input %s/trials): %s%n",
          outDir,
          e);
    }
    if (fit != null) {
      watch.model().fit(SweepLaws.pageFit(fit));
      console.print(fit.summary());
      console.printf(Locale.ROOT, "Report: %s%n", fit.report());
    }
    RunOutcome result =
        new RunOutcome(
            trained.runId(),
            outDir,
            plan,
            all,
            trained.outcomes().size(),
            fit,
            (System.nanoTime() - start) / 1e9);
    if (!todo.isEmpty()) {
      console.printf(
          Locale.ROOT,
          "Estimate vs actual: estimated %s (%s), training took %s: estimate/actual %.2f%n",
          Durations.format(estimate.seconds()),
          estimate.basis(),
          Durations.format(trainSeconds),
          estimate.seconds() / trainSeconds);
      SweepFiles.writeText(
          outDir + "/estimate.json",
          String.format(
              Locale.ROOT,
              "{\"estimate_seconds\": %.3f, \"actual_seconds\": %.3f, \"trials\": %d,"
                  + " \"slots\": %d, \"provisional\": %b}%n",
              estimate.seconds(),
              trainSeconds,
              todo.size(),
              slots,
              estimate.provisional()),
          hadoop);
    }
    console.printf(
        Locale.ROOT,
        "%d finished, %d diverged, %d failed of %d trials (%d trained by this run) in %s. Tables: %s/trials, %s/curves%n",
        result.count(TrialStatus.FINISHED),
        result.count(TrialStatus.DIVERGED),
        result.count(TrialStatus.FAILED),
        all.size(),
        result.trainedThisRun(),
        Durations.format(result.wallSeconds()),
        outDir,
        outDir);
    return result;
  }

  /**
   * The wall-time estimate of the trials to train: in local mode from a timed probe of each
   * distinct shape (seconds), elsewhere provisional from the default throughput per slot.
   */
  private static TimeEstimate estimate(
      SparkSession spark,
      SweepSpec sweep,
      Plan plan,
      List<Trial> todo,
      int slots,
      Configuration hadoop) {
    if (todo.isEmpty()) {
      return new TimeEstimate(0, "nothing to train", false);
    }
    if (spark.sparkContext().isLocal()) {
      try {
        return TimeEstimate.probe(
            sweep,
            todo,
            slots,
            spark.sparkContext().getConf().getInt("spark.task.cpus", 1),
            hadoop);
      } catch (RuntimeException e) {
        System.err.println("time probe failed, the estimate is provisional: " + e);
      }
    }
    return TimeEstimate.provisional(todo, slots, Plan.DEFAULT_FLOPS_PER_SLOT);
  }

  /**
   * Prints the estimate refined from this run's first finished trials, once as many as the slots
   * (or all) are committed; returns whether it printed.
   */
  private static boolean printRefined(
      PrintStream console,
      Plan plan,
      List<TrialOutcome> committed,
      Set<String> toTrain,
      int slots) {
    List<TrialOutcome> thisRun =
        committed.stream().filter(o -> toTrain.contains(o.trial().trialId())).toList();
    if (thisRun.size() < Math.min(slots, toTrain.size())) {
      return false;
    }
    TimeEstimate refined =
        TimeEstimate.refined(
            plan,
            thisRun,
            committed.stream().map(o -> o.trial().trialId()).collect(Collectors.toSet()),
            slots);
    if (refined == null) {
      return false;
    }
    console.printf(
        Locale.ROOT,
        "%nRefined estimate: %s more (%s)%n",
        Durations.format(refined.seconds()),
        refined.basis());
    return true;
  }

  /**
   * A text corpus path made absolute (a relative local path becomes a file: URI), so executors
   * whose working folder differs from the driver's read the same files.
   */
  static SweepSpec qualifyCorpus(SweepSpec s, Configuration hadoop) throws IOException {
    DataSpec d = s.data();
    if (d.path() == null) {
      return s;
    }
    DataSpec qualified =
        d.withLocations(
            SweepFiles.qualify(d.path(), hadoop),
            d.tokenizerFile() == null ? null : SweepFiles.qualify(d.tokenizerFile(), hadoop),
            d.cache() == null ? null : SweepFiles.qualify(d.cache(), hadoop));
    return new SweepSpec(s.name(), s.seed(), qualified, s.model(), s.grid(), s.training());
  }

  /**
   * Copies a trained tokenizer's file (bpe merges) from the token cache to {@code OUT/tokenizer/},
   * so the sweep carries the tokenizer its trials used.
   */
  private static void copyTrainedTokenizer(
      DataSpec data, TokenizeJob.Result tokens, String outDir, Configuration hadoop)
      throws IOException {
    if (tokens == null) {
      return;
    }
    String file = TokenCache.trainedFile(data, tokens.location());
    if (file == null) {
      return;
    }
    String name = file.substring(file.lastIndexOf('/') + 1);
    SweepFiles.writeText(outDir + "/tokenizer/" + name, SweepFiles.readText(file, hadoop), hadoop);
  }

  /**
   * Runs the data source's preflight before Spark starts: the source and tokenizer are registered,
   * the fields the source needs are there, and its files (for text: exist, UTF-8, big enough for
   * one window of the context in each split) are usable. It streams the files; the driver never
   * holds a corpus.
   */
  private static void checkCorpus(Plan plan, Configuration hadoop) throws IOException {
    DataSpec data = plan.spec().data();
    int context = plan.spec().model().context();
    DataSources.preflight(data, context, hadoop);
    if (DataSources.documents(data)) {
      // A token cache from an earlier sweep: its index gives the exact tokens, so a D above the
      // training split is refused here, before Spark starts.
      TokenCache.Location location = TokenCache.locate(data, hadoop);
      if (TokenCache.complete(location, hadoop)) {
        long maxTokens = plan.trials().stream().mapToLong(Trial::tokens).max().orElse(0);
        DataSources.checkTokens(data, location, context, maxTokens, hadoop);
      }
    }
  }

  /**
   * Refuses an OUT that holds a different sweep, unless only the grid changed and --extend was
   * given.
   */
  private void checkSameSweep(String outDir, SweepSpec sweep, Configuration hadoop)
      throws IOException {
    String previous = SweepFiles.readTextIfExists(outDir + "/spec.yaml", hadoop);
    if (previous == null || force) {
      return;
    }
    SweepSpec before = qualifyCorpus(SpecParser.parse(previous), hadoop);
    List<String> differences = SpecDiff.diff(before, sweep);
    if (differences.isEmpty()) {
      return;
    }
    boolean gridOnly = differences.stream().allMatch(d -> d.startsWith("grid."));
    if (extend && gridOnly) {
      return;
    }
    throw new SpecException(
        "--out",
        (gridOnly
                ? "the folder of the same sweep, or the grid change allowed with --extend"
                : "the folder of the same sweep (only the grid may change, with --extend), or started over with --force")
            + "; OUT/spec.yaml differs in "
            + String.join("; ", differences),
        outDir);
  }

  /** The planned trials without a usable commit; prints what it skips. */
  private List<Trial> trialsToTrain(Plan plan, CommitLog commits, PrintStream console)
      throws IOException {
    if (force) {
      // Deleted unread: --force must also clear commits this version cannot read (an older id
      // scheme).
      int forgotten = commits.removeAll();
      if (forgotten > 0) {
        console.printf(Locale.ROOT, "--force: forgot %d committed trial(s).%n", forgotten);
      }
      return plan.trials();
    }
    Map<String, TrialOutcome> committed = commits.readAll();
    TrialProvenance.foreignVersions(committed.values(), TrialProvenance.appVersion())
        .ifPresent(console::println);
    List<Trial> todo = new ArrayList<>();
    int skipped = 0;
    int retried = 0;
    for (Trial t : plan.trials()) {
      TrialOutcome c = committed.get(t.trialId());
      if (c == null) {
        todo.add(t);
      } else if (rerunFailed && c.result().status() == TrialStatus.FAILED) {
        commits.remove(t.trialId());
        todo.add(t);
        retried++;
      } else {
        skipped++;
      }
    }
    if (skipped + retried > 0) {
      console.printf(
          Locale.ROOT,
          "Resuming: %d of %d trial(s) already committed in OUT are skipped; %d failed one(s) rerun; %d to train.%n",
          skipped,
          plan.trials().size(),
          retried,
          todo.size());
    }
    return todo;
  }

  static String summary(List<TrialOutcome> outcomes) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%nTrials (final held-out loss, nats/token):%n"));
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-16s %6s %5s %10s %10s %10s %10s %9s%n",
            "trial_id",
            "width",
            "depth",
            "tokens",
            "eval_loss",
            "train_loss",
            "tokens/s",
            "status"));
    for (TrialOutcome o : outcomes) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-16s %6d %5d %10d %10.4f %10.4f %10.0f %9s%n",
              o.trial().trialId(),
              o.trial().width(),
              o.trial().depth(),
              o.trial().tokens(),
              o.result().finalEvalLoss(),
              o.result().finalTrainLoss(),
              o.result().tokensPerSecond(),
              o.result().status().label()));
    }
    outcomes.stream()
        .map(o -> o.result().entropyFloor())
        .filter(f -> f != null)
        .findFirst()
        .ifPresent(
            f ->
                sb.append(
                    String.format(
                        Locale.ROOT,
                        "Entropy floor of the synthetic source: %.4f nats/token%n",
                        f)));
    sb.append(bitsPerByte(outcomes));
    return sb.toString();
  }

  /**
   * Held-out bits per UTF-8 byte and epochs of text trials (comparable across tokenizers), or
   * nothing for synthetic ones.
   */
  static String bitsPerByte(List<TrialOutcome> outcomes) {
    StringBuilder sb = new StringBuilder();
    for (TrialOutcome o : outcomes) {
      if (o.result().evalTokensPerByte() == null) {
        continue;
      }
      if (sb.length() == 0) {
        sb.append(
            String.format(
                Locale.ROOT,
                "Held-out bits per byte (total nats / ln 2 / UTF-8 bytes of the held-out windows):%n"
                    + "  %-16s %6s %5s %10s %10s %8s%n",
                "trial_id",
                "width",
                "depth",
                "tokens",
                "eval_bpb",
                "epochs"));
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-16s %6d %5d %10d %10.4f %8.3f%n",
              o.trial().trialId(),
              o.trial().width(),
              o.trial().depth(),
              o.trial().tokens(),
              o.result().bitsPerByte(o.result().finalEvalLoss()),
              o.result().epochs() == null ? Double.NaN : o.result().epochs()));
    }
    return sb.toString();
  }
}
