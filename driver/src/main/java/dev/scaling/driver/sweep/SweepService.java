package dev.scaling.driver.sweep;

import dev.scaling.common.curve.CurveFitOptions;
import dev.scaling.common.curve.CurveLawForm;
import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.spec.WsdSpec;
import dev.scaling.common.trial.Seeds;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.driver.fit.FitOutcome;
import dev.scaling.driver.io.CommitIndex;
import dev.scaling.driver.io.CommitLog;
import dev.scaling.driver.io.SweepFiles;
import dev.scaling.driver.live.SweepWatch;
import dev.scaling.driver.live.TimeEstimate;
import dev.scaling.driver.plan.Durations;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Trunk;
import dev.scaling.driver.plan.Trunks;
import dev.scaling.driver.predict.BranchPredictions;
import dev.scaling.driver.predict.BranchPredictor;
import dev.scaling.driver.spark.HadoopConfs;
import dev.scaling.driver.spark.ResultTables;
import dev.scaling.driver.spark.SweepRunner;
import dev.scaling.driver.spark.TimeProbe;
import dev.scaling.driver.spark.TokenizeJob;
import dev.scaling.driver.spark.Trained;
import dev.scaling.driver.spark.TrialExecutor;
import dev.scaling.driver.spark.TrialProvenance;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a whole sweep as one library call: load and plan the spec, check the corpus and OUT, decide
 * what still trains, start (or join) the Spark application, tokenize, estimate the time, train
 * through the plan's {@link TrialExecutor}, write the tables from the commits, fit and report, and
 * write {@code OUT/estimate.json}. Progress and results are printed on the console it is given. The
 * Spark master comes from the environment (spark-submit, or a session the caller started); it is
 * never hard-coded. Called on the caller's thread; it blocks until the sweep ends.
 */
public final class SweepService {
  /** Bootstrap resamples of the fits made while the sweep runs (the page's and the report's). */
  public static final int INTERIM_BOOTSTRAP = 200;

  private SweepService() {}

  /**
   * Runs {@code request}, printing on {@code console}.
   *
   * @throws dev.scaling.common.spec.SpecException on bad input (the spec, OUT holding another
   *     sweep, a corpus that cannot serve the grid), before any executor is asked for
   */
  public static RunOutcome run(SweepRequest request, PrintStream console) throws Exception {
    long start = System.nanoTime();
    // One Hadoop configuration from the Spark conf (spark.hadoop.*), the same the executors build.
    Configuration hadoop = HadoopConfs.forDriver();
    LoadedSweep loaded = SweepLoader.load(request.spec(), hadoop);
    SweepSpec sweep = loaded.spec();
    Plan plan = loaded.plan();
    if (request.verifyPredictions() && !plan.predicts()) {
      throw new SpecException(
          "--verify-predictions",
          "given only with a wsd spec that sets training.predict_branches below its number of"
              + " token counts (this one predicts no branch)",
          request.spec());
    }
    // What trains: the plan less its predicted branches, or with --verify-predictions all of it.
    Plan training = plan.training(request.verifyPredictions());
    TokenizeJob.preflight(plan, hadoop);
    String outDir = SweepFiles.qualify(request.out(), hadoop);
    if (request.planOnly()) {
      console.print(plan.describe(1));
      return RunOutcome.planOnly(outDir, plan);
    }
    SweepFiles.checkWritable(outDir, hadoop);
    request.resume().checkSameSweep(outDir, OutComparison.of(outDir, sweep, hadoop));
    // The commits are read once, here; the watch then reads only new ones into the same index.
    CommitIndex commits = new CommitLog(outDir, hadoop).index();
    long resumeStart = System.nanoTime();
    List<Trial> todo = decide(request.resume(), training, commits, console);
    double resumeSeconds = (System.nanoTime() - resumeStart) / 1e9;

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
    TimeEstimate estimate = estimate(spark, sweep, todo, slots, hadoop);
    console.print(plan.describe(slots, estimate.seconds(), estimate.basis()));
    if (request.verifyPredictions()) {
      console.printf(
          Locale.ROOT,
          "--verify-predictions: the %d predicted branches train too (%.3g FLOPs of cooldowns more),"
              + " held out of the curve-law fits and checked against their predictions.%n",
          plan.predicted().size(),
          plan.savedFlops());
    }
    SweepLaws.FitGate fits = new SweepLaws.FitGate();
    SweepWatch watch =
        watch(spark, training, todo, commits, outDir, hadoop, request, estimate, fits, console);
    SweepFiles.writeText(outDir + "/spec.yaml", loaded.text(), hadoop);
    TokenizeJob.copyTrainedTokenizer(sweep.data(), tokens, outDir, hadoop);

    Trained trained;
    long trainStart = System.nanoTime();
    try {
      trained =
          TrialExecutor.forPlan(training)
              .train(
                  spark,
                  training,
                  todo,
                  new TrialExecutor.Settings(outDir, request.checkpointSeconds(), hadoop, console));
    } finally {
      watch.close();
    }
    double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
    // The tables are consolidated from the commit files: every committed trial of this plan exactly
    // once, including those committed by earlier runs into the same OUT; commits of trials outside
    // the plan (an earlier grid's) are left out, so the tables and fits describe this sweep only.
    // From the index the watch kept current, after one more listing (reads only what it lacks).
    long tablesStart = System.nanoTime();
    commits.refresh();
    Map<String, TrialOutcome> committed = commits.outcomes();
    Map<String, Integer> order = plan.positions();
    List<TrialOutcome> all = inPlan(committed.values(), order);
    int foreign = committed.size() - all.size();
    // Predicted branches are derived from the committed curves now (never committed themselves).
    BranchPredictions predictions = predict(plan, all, console);
    ResultTables.write(spark, all, predictions.predicted(), trained.runId(), outDir);
    double tablesSeconds = (System.nanoTime() - tablesStart) / 1e9;
    // The final manifest makes the next resume read a few files instead of every commit; it only
    // saves reads, so a store that refuses it fails nothing.
    try {
      commits.compact(true);
    } catch (IOException e) {
      console.printf(
          Locale.ROOT, "No manifest of the commits written (the next resume reads each): %s%n", e);
    }
    console.print(RunSummary.trials(all));
    console.print(predictions.summary());
    if (foreign > 0) {
      console.printf(
          Locale.ROOT,
          "%d commit(s) in OUT are not in this plan (an earlier grid): left out of the tables and"
              + " fits.%n",
          foreign);
    }
    console.print(
        RunSummary.quarantined(
            new CommitLog(outDir, hadoop).quarantined(),
            "set aside (by this run or an earlier one)"));
    long fitStart = System.nanoTime();
    FitOutcome fit =
        fit(
            all,
            predictions,
            request.excludePredicted(),
            outDir,
            hadoop,
            finalFit(request, sweep.seed()),
            fits,
            console);
    double fitSeconds = (System.nanoTime() - fitStart) / 1e9;
    if (fit != null) {
      watch.model().fit(SweepLaws.pageFit(fit));
    }
    RunOutcome result =
        new RunOutcome(
            trained.runId(),
            outDir,
            plan,
            all,
            trained.outcomes().size(),
            fit,
            (System.nanoTime() - start) / 1e9,
            predictions,
            new RunOutcome.Phases(resumeSeconds, trainSeconds, tablesSeconds, fitSeconds));
    if (!todo.isEmpty()) {
      writeEstimate(estimate, trainSeconds, todo.size(), slots, outDir, hadoop, console);
    }
    console.print(RunSummary.totals(result));
    return result;
  }

  /** The outcomes of {@code order}'s trials, in plan order; the others are dropped. */
  static List<TrialOutcome> inPlan(Collection<TrialOutcome> outcomes, Map<String, Integer> order) {
    List<TrialOutcome> all = new ArrayList<>();
    for (TrialOutcome o : outcomes) {
      if (order.containsKey(o.trial().trialId())) {
        all.add(o);
      }
    }
    all.sort(Comparator.comparingInt(o -> order.get(o.trial().trialId())));
    return all;
  }

  /** The trials to train under {@code policy}; prints what it skips or forgets. */
  static List<Trial> decide(
      ResumePolicy policy, Plan plan, CommitIndex commits, PrintStream console) throws IOException {
    ResumePolicy.Decision d = policy.decide(plan, commits);
    if (d.replaced() != null) {
      console.print(RunSummary.replaced(d.replaced()));
    }
    console.print(RunSummary.quarantined(d.quarantined(), "set aside now"));
    TrialProvenance.foreignVersions(d.committed(), TrialProvenance.appVersion())
        .ifPresent(console::println);
    if (d.skipped() + d.rerun() > 0) {
      console.printf(
          Locale.ROOT,
          "Resuming: %d of %d trial(s) already committed in OUT are skipped; %d failed one(s)"
              + " rerun; %d to train.%n",
          d.skipped(),
          plan.trials().size(),
          d.rerun(),
          d.todo().size());
    }
    return d.todo();
  }

  /**
   * The predicted branches of {@code plan} from the committed outcomes {@code all}; none when the
   * plan predicts nothing or the curve laws cannot be fitted at all (then says why: the trials stay
   * safe).
   */
  static BranchPredictions predict(Plan plan, List<TrialOutcome> all, PrintStream console) {
    if (!plan.predicts()) {
      return BranchPredictions.none(CurveLawForm.MPL);
    }
    long t0 = System.nanoTime();
    try {
      BranchPredictions p =
          BranchPredictor.predict(
              plan,
              all,
              CurveFitOptions.defaults(
                  BranchPredictor.BOOTSTRAP, Seeds.derive(plan.spec().seed(), "curve-laws")));
      console.printf(
          Locale.ROOT,
          "Curve laws fitted per model in %s.%n",
          Durations.format((System.nanoTime() - t0) / 1e9));
      return p;
    } catch (RuntimeException e) {
      console.printf(
          Locale.ROOT,
          "Predicted branches could not be derived (the trained trials are complete): %s%n",
          e);
      return BranchPredictions.none(plan.spec().training().settings(WsdSpec.class).curveLaw());
    }
  }

  /** The final fit's settings; the bootstrap's seed derives from the one sweep seed. */
  static FitOptions finalFit(SweepRequest request, long sweepSeed) {
    return FitOptions.defaults()
        .withHuberDelta(request.huberDelta())
        .withBootstrap(request.bootstrap(), Seeds.derive(sweepSeed, "bootstrap"));
  }

  /**
   * The wall-time estimate of the trials to train: in local mode from a timed probe of each
   * distinct shape (seconds), elsewhere provisional from the default throughput per slot; scaled
   * down for branched cooldowns, which share their trunks.
   */
  private static TimeEstimate estimate(
      SparkSession spark, SweepSpec sweep, List<Trial> todo, int slots, Configuration hadoop) {
    if (todo.isEmpty()) {
      return new TimeEstimate(0, "nothing to train", false);
    }
    TimeEstimate estimate = null;
    if (spark.sparkContext().isLocal()) {
      try {
        estimate =
            TimeProbe.probe(
                sweep,
                todo,
                slots,
                spark.sparkContext().getConf().getInt("spark.task.cpus", 1),
                hadoop);
      } catch (RuntimeException e) {
        System.err.println("time probe failed, the estimate is provisional: " + e);
      }
    }
    if (estimate == null) {
      estimate = TimeEstimate.provisional(todo, slots, Plan.DEFAULT_FLOPS_PER_SLOT);
    }
    List<Trunk> trunks = Trunks.of(todo);
    if (trunks.isEmpty()) {
      return estimate;
    }
    double ratio = Trunks.flopsRatio(trunks);
    return estimate.scaled(
        ratio, String.format(Locale.ROOT, "x%.2f for branched cooldowns", ratio));
  }

  /**
   * The Sweep tab of the Spark UI, fed by live accumulators and the commits; OUT/report is
   * refreshed after each commit, and the refined estimate printed once the first trials finish.
   */
  private static SweepWatch watch(
      SparkSession spark,
      Plan plan,
      List<Trial> todo,
      CommitIndex commits,
      String outDir,
      Configuration hadoop,
      SweepRequest request,
      TimeEstimate estimate,
      SweepLaws.FitGate fits,
      PrintStream console)
      throws IOException {
    int slots = SweepRunner.slots(spark);
    Set<String> toTrain = todo.stream().map(Trial::trialId).collect(Collectors.toSet());
    boolean[] refinedPrinted = {!estimate.provisional()};
    FitOptions interimFit =
        FitOptions.defaults()
            .withHuberDelta(request.huberDelta())
            .withBootstrap(
                Math.min(request.bootstrap(), INTERIM_BOOTSTRAP),
                Seeds.derive(plan.spec().seed(), "bootstrap"));
    SweepWatch watch =
        SweepWatch.start(
            spark.sparkContext(),
            plan,
            commits.outcomes().values(),
            commits,
            committed -> {
              if (!refinedPrinted[0]) {
                refinedPrinted[0] = printRefined(console, plan, committed, toTrain, slots);
              }
              return SweepLaws.interim(committed, outDir, hadoop, interimFit, fits);
            });
    watch.model().estimate(estimate.view());
    console.printf(
        Locale.ROOT,
        "Spark UI: %s   application: %s   sweep page: %s%n",
        spark.sparkContext().uiWebUrl().getOrElse(() -> "(disabled)"),
        spark.sparkContext().applicationId(),
        watch.pageUrl().orElse("(disabled)"));
    console.flush();
    return watch;
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
   * The final fit and report; null (and why) when it cannot be made: the trials stay safe. Closes
   * {@code gate}, so no interim refit still running publishes over it.
   */
  private static FitOutcome fit(
      List<TrialOutcome> all,
      BranchPredictions predictions,
      boolean excludePredicted,
      String outDir,
      Configuration hadoop,
      FitOptions options,
      SweepLaws.FitGate gate,
      PrintStream console)
      throws IOException {
    FitOutcome fit;
    try {
      fit =
          SweepLaws.fitAndReport(
              all, predictions, excludePredicted, outDir, hadoop, options, gate, console);
    } catch (RuntimeException e) {
      // The trials are safe in OUT; a fit that cannot be made must not fail the sweep.
      console.printf(
          Locale.ROOT,
          "Fits failed (the trial tables are complete; try ./sweep fit --input %s/trials): %s%n",
          outDir,
          e);
      return null;
    }
    if (fit != null) {
      console.print(fit.summary());
      // On a non-local OUT the outcome's paths are those of the removed local staging folder.
      console.printf(
          Locale.ROOT,
          "Report: %s%n",
          outDir.startsWith("file:")
              ? fit.report()
              : outDir + "/report/" + fit.report().getFileName());
    }
    return fit;
  }

  /** Prints the estimate against the training time and writes {@code OUT/estimate.json}. */
  private static void writeEstimate(
      TimeEstimate estimate,
      double trainSeconds,
      int trials,
      int slots,
      String outDir,
      Configuration hadoop,
      PrintStream console)
      throws IOException {
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
            trials,
            slots,
            estimate.provisional()),
        hadoop);
  }
}
