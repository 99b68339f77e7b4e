package dev.scaling.driver.sweep;

import dev.scaling.common.batch.BatchFitOptions;
import dev.scaling.common.batch.CriticalBatchFitter;
import dev.scaling.common.batch.KaplanSFit;
import dev.scaling.common.curve.CurveLawForm;
import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.fit.Quantiles;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.ParametrizationSpec;
import dev.scaling.common.spec.PowerLawSpec;
import dev.scaling.common.trial.ConfigWalk;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.batch.BatchStudy;
import dev.scaling.driver.fit.FitOutcome;
import dev.scaling.driver.fit.FitRequest;
import dev.scaling.driver.fit.HparamsSideFit;
import dev.scaling.driver.fit.SideFit;
import dev.scaling.driver.fit.SweepFit;
import dev.scaling.driver.live.SweepView;
import dev.scaling.driver.predict.BranchPredictions;
import dev.scaling.driver.predict.PredictedBranch;
import dev.scaling.driver.predict.PredictionWeight;
import dev.scaling.driver.report.CurveSample;
import dev.scaling.driver.report.LearningRateTransfer;
import dev.scaling.driver.report.SeedSpread;
import dev.scaling.driver.report.SweepFacts;
import dev.scaling.driver.report.TrialFacts;
import dev.scaling.driver.report.TrialInfo;
import dev.scaling.driver.report.TrialPoint;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * The end of {@code sweep run}: fits the laws over the sweep's finished trials with the same fitter
 * as {@code sweep fit}, and writes {@code OUT/fits} and {@code OUT/report}, both into a staging
 * folder first and then moved into place together. On a non-local OUT (hdfs:, s3a:) the staging
 * folder is a local temporary one, copied through Hadoop FS and then removed. A {@link FitGate}
 * keeps a late interim refit from overwriting the final files.
 */
final class SweepLaws {
  private SweepLaws() {}

  /** Fewest finished trials worth a joint fit of a 5-parameter law. */
  static final int MIN_TRIALS = 6;

  /**
   * The report's line on text trials: held-out bits per byte (comparable across tokenizers) of the
   * finished trials, best and worst, and how to fit on it; null when no trial has text.
   */
  static String bitsPerByteNote(List<TrialOutcome> outcomes) {
    TrialOutcome best = null;
    TrialOutcome worst = null;
    for (TrialOutcome o : outcomes) {
      double v = o.result().bitsPerByte(o.result().finalEvalLoss());
      if (o.result().status() != TrialStatus.FINISHED || !Double.isFinite(v)) {
        continue;
      }
      if (best == null || v < best.result().bitsPerByte(best.result().finalEvalLoss())) {
        best = o;
      }
      if (worst == null || v > worst.result().bitsPerByte(worst.result().finalEvalLoss())) {
        worst = o;
      }
    }
    if (best == null) {
      return null;
    }
    return String.format(
        java.util.Locale.ROOT,
        "held-out bits per byte (total nats / ln 2 / UTF-8 bytes of the held-out windows): from"
            + " %.4f (width %d, depth %d, D %d) to %.4f (width %d, depth %d, D %d); the fits"
            + " below use nats/token, fit bits per byte with ./sweep fit --input OUT/trials"
            + " --loss-col eval_bits_per_byte",
        best.result().bitsPerByte(best.result().finalEvalLoss()),
        best.trial().width(),
        best.trial().depth(),
        best.trial().tokens(),
        worst.result().bitsPerByte(worst.result().finalEvalLoss()),
        worst.trial().width(),
        worst.trial().depth(),
        worst.trial().tokens());
  }

  /**
   * Orders one run's writes of {@code OUT/fits} and {@code OUT/report}: interim refits (on the
   * watch's thread) publish only until the final fit begins, so a refit that finishes late can
   * never overwrite the final files. Publishing holds the gate's lock, so the final fit also waits
   * for an interim one being moved into place.
   */
  static final class FitGate {
    private boolean finalBegun;

    /** From now on no interim refit publishes; returns once none is being published. */
    synchronized void beginFinal() {
      finalBegun = true;
    }

    synchronized boolean finalBegun() {
      return finalBegun;
    }

    /** Runs {@code publish} unless the final fit has begun; returns whether it ran. */
    synchronized boolean publishInterim(Publish publish) throws IOException {
      if (finalBegun) {
        return false;
      }
      publish.run();
      return true;
    }
  }

  /** Moves a staged fit into place. */
  @FunctionalInterface
  interface Publish {
    void run() throws IOException;
  }

  /**
   * The final fit and report; returns null (and says why) when too few trials finished. Closes
   * {@code gate} first: no interim refit publishes after this begins.
   */
  static FitOutcome fitAndReport(
      List<TrialOutcome> outcomes,
      String outDir,
      Configuration hadoop,
      FitOptions options,
      FitGate gate)
      throws IOException {
    return fitAndReport(
        outcomes,
        BranchPredictions.none(CurveLawForm.MPL),
        false,
        outDir,
        hadoop,
        options,
        gate,
        System.out);
  }

  /**
   * The final fit and report with a wsd sweep's predicted branches: each predicted branch without a
   * trained twin enters the fit weighted by {@link PredictionWeight} (unless {@code
   * excludePredicted}), and the report gains the "Curves" section. Why the laws were skipped, and a
   * batch study's summary when it is written alone, go to {@code console}.
   */
  static FitOutcome fitAndReport(
      List<TrialOutcome> outcomes,
      BranchPredictions predictions,
      boolean excludePredicted,
      String outDir,
      Configuration hadoop,
      FitOptions options,
      FitGate gate,
      PrintStream console)
      throws IOException {
    gate.beginFinal();
    return fitAndPublish(
        outcomes, predictions, excludePredicted, outDir, hadoop, options, null, console);
  }

  /**
   * The fit and report while the sweep runs (after each commit): the same as at the end, but silent
   * when too few trials finished, and published only while {@code gate} is open; returns what the
   * Sweep page shows, or null (too few trials, or the final fit has begun).
   */
  static SweepView.Fit interim(
      List<TrialOutcome> outcomes,
      String outDir,
      Configuration hadoop,
      FitOptions options,
      FitGate gate)
      throws IOException {
    if (gate.finalBegun()) {
      return null;
    }
    FitOutcome fit =
        fitAndPublish(
            outcomes,
            BranchPredictions.none(CurveLawForm.MPL),
            false,
            outDir,
            hadoop,
            options,
            gate,
            System.out);
    return fit == null ? null : pageFit(fit);
  }

  /** What the Sweep page shows of a fit. */
  static SweepView.Fit pageFit(FitOutcome fit) {
    return new SweepView.Fit(fit.analysis().points().size(), fit.summary(), fit.json());
  }

  /**
   * Fits into a staging folder and publishes both files together: directly for the final fit
   * ({@code interimGate} null), through the gate for an interim one. The staging folder is removed
   * in every case.
   */
  private static FitOutcome fitAndPublish(
      List<TrialOutcome> outcomes,
      BranchPredictions predictions,
      boolean excludePredicted,
      String outDir,
      Configuration hadoop,
      FitOptions options,
      FitGate interimGate,
      PrintStream console)
      throws IOException {
    boolean quiet = interimGate != null;
    List<TrialPoint> rows = new ArrayList<>();
    List<CurveSample> curves = new ArrayList<>();
    Map<String, Integer> excluded = new TreeMap<>();
    Double floor = null;
    for (TrialOutcome o : outcomes) {
      if (o.result().entropyFloor() != null) {
        floor = o.result().entropyFloor();
      }
      for (CurvePoint p : o.result().curve()) {
        curves.add(
            new CurveSample(
                o.trial().trialId(), p.step(), p.tokens(), p.lr(), p.trainLoss(), p.evalLoss()));
      }
      if (o.result().status() == TrialStatus.FINISHED
          && Double.isFinite(o.result().finalEvalLoss())) {
        rows.add(
            new TrialPoint(
                o.trial().trialId(),
                new ScalingPoint(
                    o.trial().nParams(), o.trial().tokens(), o.result().finalEvalLoss()),
                1.0,
                info(o.trial(), o.result().evalLossStderr())));
      } else {
        excluded.merge(o.result().status().label(), 1, Integer::sum);
      }
    }
    List<String> notes = new ArrayList<>();
    predictedRows(outcomes, predictions, excludePredicted, rows, notes);
    String parametrization = parametrizationNote(outcomes);
    if (parametrization != null) {
      notes.add(parametrization);
    }
    LearningRateTransfer learningRates = learningRates(outcomes);
    if (learningRates != null && !quiet) {
      console.print(learningRates.summary());
    }
    int before = rows.size();
    rows = bestLearningRate(rows, outcomes, predictions.predicted());
    if (rows.size() < before) {
      notes.add(
          "several learning rates or batch sizes per model: the fits use the lowest final loss of"
              + " each configuration, "
              + rows.size()
              + " of "
              + before
              + " finished trials");
    }
    if (!excluded.isEmpty()) {
      notes.add(
          excluded.values().stream().mapToInt(Integer::intValue).sum()
              + " trial(s) excluded from the fits, status other than finished: "
              + excluded);
    }
    String bpb = bitsPerByteNote(outcomes);
    if (bpb != null) {
      notes.add(bpb);
    }
    // The batch study and the hyperparameter laws are built for the final fit only: interim
    // refits stay cheap.
    List<SideFit> sides = new ArrayList<>();
    if (!quiet) {
      sides.addAll(batchStudy(outcomes, options, console));
      HparamsSideFit hparams = SweepHparams.of(outcomes, options, notes);
      if (hparams != null) {
        sides.add(hparams);
      }
    }
    long distinctN = rows.stream().mapToDouble(r -> r.point().n()).distinct().count();
    long distinctD = rows.stream().mapToDouble(r -> r.point().d()).distinct().count();
    if (rows.size() < MIN_TRIALS || distinctN < 3 || distinctD < 3) {
      if (quiet) {
        return null;
      }
      String skipped =
          String.format(
              java.util.Locale.ROOT,
              "Fits skipped: %d finished trial(s) with %d distinct N and %d distinct D; a joint law"
                  + " needs at least %d trials and 3 distinct values of each.",
              rows.size(),
              distinctN,
              distinctD,
              MIN_TRIALS);
      console.println(skipped);
      if (!sides.isEmpty()) {
        // A batch axis at one D stands on its own: its fits and report are written alone.
        List<String> sideNotes = new ArrayList<>(notes);
        sideNotes.add(0, skipped);
        FitOutcome alone =
            stageAndPublish(
                staging -> SweepFit.writeSides(sides, sideNotes, staging), outDir, hadoop, null);
        console.print(alone.summary());
        console.printf("Batch-size report: %s/report/index.html%n", outDir);
      }
      return null;
    }
    FitRequest request =
        FitRequest.builder(rows, options)
            .compute(budgets(rows, outcomes))
            .curves(curves)
            .facts(facts(outcomes, floor).withStepLaw(stepLaw(sides)))
            .notes(notes)
            .learningRates(learningRates)
            .predictions(predictions.models().isEmpty() ? null : predictions)
            .sideFits(sides)
            .build();
    return stageAndPublish(
        staging -> SweepFit.write(request, staging), outDir, hadoop, interimGate);
  }

  /**
   * The batch study of the sweep's finished trials as a side fit, with the fitter's bootstrap, seed
   * and coverage; none without a batch axis (no model at 3 or more batch sizes). A study that fails
   * is reported and left out: the laws are still fitted.
   */
  static List<SideFit> batchStudy(
      List<TrialOutcome> outcomes, FitOptions options, PrintStream console) {
    // No model has 3 batch sizes when the whole sweep has fewer: skip reading every curve.
    if (outcomes.stream().mapToInt(o -> o.trial().training().batchSize()).distinct().count()
        < CriticalBatchFitter.MIN_BATCH_SIZES) {
      return List.of();
    }
    try {
      return BatchStudy.of(
              outcomes, new BatchFitOptions(options.bootstrap(), options.seed(), options.ciLevel()))
          .<List<SideFit>>map(List::of)
          .orElse(List.of());
    } catch (RuntimeException e) {
      console.println("Batch study failed (the laws are still fitted): " + e);
      return List.of();
    }
  }

  /** The batch study's L(N, S_min) among {@code sides}, null when none fitted it. */
  static KaplanSFit stepLaw(List<SideFit> sides) {
    return sides.stream()
        .filter(s -> s instanceof BatchStudy b && b.kaplan() != null)
        .map(s -> ((BatchStudy) s).kaplan())
        .findFirst()
        .orElse(null);
  }

  /** Writes a fit into a staging folder. */
  @FunctionalInterface
  interface Stage {
    FitOutcome write(Path staging) throws IOException;
  }

  /**
   * Stages a fit and publishes both files together: directly for the final fit ({@code interimGate}
   * null), through the gate for an interim one (null when the gate is closed). The staging folder
   * is removed in every case.
   */
  private static FitOutcome stageAndPublish(
      Stage stage, String outDir, Configuration hadoop, FitGate interimGate) throws IOException {
    boolean local = outDir.startsWith("file:");
    // A local OUT stages inside itself (moves are renames); another store stages in a local
    // temporary folder whose files are then copied through Hadoop FS.
    Path staging =
        local
            ? SweepFit.staging(Path.of(URI.create(outDir)))
            : Files.createTempDirectory("sweep-report");
    boolean done = false;
    try {
      FitOutcome staged = stage.write(staging);
      FitOutcome[] published = {staged};
      Publish publish =
          () -> {
            if (local) {
              published[0] = SweepFit.publish(staged, Path.of(URI.create(outDir)));
            } else {
              copyOut(staging, outDir, hadoop);
            }
          };
      if (interimGate == null) {
        publish.run();
      } else if (!interimGate.publishInterim(publish)) {
        done = true;
        return null;
      }
      done = true;
      return published[0];
    } finally {
      SweepFit.dropStaging(staging, done);
    }
  }

  /** Copies the staged {@code fits} and {@code report} to a Hadoop OUT, replacing earlier ones. */
  private static void copyOut(Path staging, String outDir, Configuration hadoop)
      throws IOException {
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(outDir);
    FileSystem fs = target.getFileSystem(hadoop);
    for (String sub : List.of("fits", "report")) {
      org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(target, sub);
      fs.delete(dst, true);
      fs.copyFromLocalFile(
          false, true, new org.apache.hadoop.fs.Path(staging.resolve(sub).toUri()), dst);
    }
  }

  /**
   * Adds the predicted branches to the fitted {@code rows}: each one without a trained twin,
   * weighted by {@link PredictionWeight} against the sweep's evaluation noise (the median {@code
   * eval_loss_stderr} of the finished trials, as {@code ./sweep fit} reads it from the table),
   * unless {@code exclude}; one note says how many and with which weights.
   */
  static void predictedRows(
      List<TrialOutcome> outcomes,
      BranchPredictions predictions,
      boolean exclude,
      List<TrialPoint> rows,
      List<String> notes) {
    List<PredictedBranch> predicted = predictions.predicted();
    if (predicted.isEmpty()) {
      return;
    }
    long twins = predicted.stream().filter(PredictedBranch::verified).count();
    if (twins > 0) {
      notes.add(
          twins
              + " predicted branches were trained too (--verify-predictions): the fits use the"
              + " trained ones");
    }
    List<PredictedBranch> unverified = predicted.stream().filter(p -> !p.verified()).toList();
    if (unverified.isEmpty()) {
      return;
    }
    if (exclude) {
      notes.add(
          unverified.size() + " predicted branches excluded from the fits (--exclude-predicted)");
      return;
    }
    double[] errors =
        outcomes.stream()
            .filter(o -> o.result().status() == TrialStatus.FINISHED)
            .map(o -> o.result().evalLossStderr())
            .filter(e -> e != null && e > 0 && Double.isFinite(e))
            .mapToDouble(Double::doubleValue)
            .toArray();
    double noise = errors.length == 0 ? Double.NaN : Quantiles.median(errors);
    double lo = 1;
    double hi = 0;
    int n = 0;
    for (PredictedBranch p : unverified) {
      double w = PredictionWeight.of(p.low(), p.high(), noise);
      if (!(w > 0)) {
        continue;
      }
      rows.add(
          new TrialPoint(
              p.trial().trialId(),
              new ScalingPoint(p.trial().nParams(), p.trial().tokens(), p.loss()),
              w,
              info(p.trial(), null)));
      lo = Math.min(lo, w);
      hi = Math.max(hi, w);
      n++;
    }
    notes.add(
        n == 0
            ? unverified.size()
                + " predicted branches left out of the fits: no evaluation noise to weigh them"
                + " against"
            : String.format(
                java.util.Locale.ROOT,
                "%d predicted branches fitted with weight min(1, (sigma_eval / sigma_pred)^2),"
                    + " sigma_pred from each 95%% interval, sigma_eval = %.3g (median"
                    + " eval_loss_stderr): weights %.3g to %.3g (--exclude-predicted leaves them"
                    + " out)",
                n,
                noise,
                lo,
                hi));
  }

  /**
   * What the run knows beside its rows: the source's floor, the designed exponents of a power-law
   * source, and the median standard error of the finished trials' final held-out losses.
   */
  static SweepFacts facts(List<TrialOutcome> outcomes, Double floor) {
    double[] errors =
        outcomes.stream()
            .filter(o -> o.result().status() == TrialStatus.FINISHED)
            .map(o -> o.result().evalLossStderr())
            .filter(e -> e != null && Double.isFinite(e))
            .mapToDouble(Double::doubleValue)
            .toArray();
    Double noise = errors.length == 0 ? null : Quantiles.median(errors);
    PowerLawSpec powerlaw =
        outcomes.isEmpty() || !(outcomes.get(0).trial().data().settings() instanceof PowerLawSpec p)
            ? null
            : p;
    Integer evalTokens = outcomes.isEmpty() ? null : outcomes.get(0).trial().data().evalTokens();
    SweepFacts.Builder facts =
        SweepFacts.builder()
            .entropyFloor(floor)
            .evalNoise(noise, noise == null ? null : evalTokens)
            .seedSpread(SeedSpread.of(outcomes).orElse(null))
            .trials(TrialFacts.of(outcomes));
    if (powerlaw != null) {
      facts.designedExponents(powerlaw.designedNExponent(), powerlaw.designedDExponent());
    }
    return facts.build();
  }

  /**
   * Each row's nominal compute budget when the sweep was planned by budget (every trial carries
   * one), so the IsoFLOP approach groups trials by the plan instead of by 6ND; null otherwise.
   */
  static List<Double> budgets(List<TrialPoint> rows, List<TrialOutcome> outcomes) {
    Map<String, Double> byId = new HashMap<>();
    for (TrialOutcome o : outcomes) {
      if (o.trial().budget() == null) {
        return null;
      }
      byId.put(o.trial().trialId(), o.trial().budget());
    }
    return rows.stream().map(r -> byId.get(r.trialId())).toList();
  }

  /**
   * The report's "Best learning rate vs N" over the finished trials, or null without a
   * learning-rate axis, and null when the trials train at several batch sizes: their rates differ
   * with B (a grid's learning rates crossed with its batch sizes, or one rate moved by {@code
   * training.lr_batch_scaling}), so the best rate of an (N, D) would mix batch sizes.
   */
  static LearningRateTransfer learningRates(List<TrialOutcome> outcomes) {
    if (outcomes.stream().map(o -> o.trial().training().batchSize()).distinct().count() > 1) {
      return null;
    }
    List<LearningRateTransfer.Row> rows = new ArrayList<>();
    Set<String> labels = new TreeSet<>();
    for (TrialOutcome o : outcomes) {
      labels.add(ParametrizationSpec.labelOf(o.trial().parametrization()));
      if (o.result().status() == TrialStatus.FINISHED
          && Double.isFinite(o.result().finalEvalLoss())) {
        rows.add(
            new LearningRateTransfer.Row(
                o.trial().nParams(),
                o.trial().tokens(),
                o.trial().training().learningRate(),
                o.result().finalEvalLoss()));
      }
    }
    return LearningRateTransfer.of(labels.size() == 1 ? labels.iterator().next() : null, rows);
  }

  /** A note naming the parametrization when it is not the standard one, else null. */
  static String parametrizationNote(List<TrialOutcome> outcomes) {
    Set<String> labels = new TreeSet<>();
    outcomes.forEach(o -> labels.add(ParametrizationSpec.labelOf(o.trial().parametrization())));
    if (labels.isEmpty() || labels.equals(Set.of(ParametrizationSpec.STANDARD))) {
      return null;
    }
    return "parametrization: " + String.join(", ", labels);
  }

  /** The learning rate's path in the configuration walk. */
  private static final String LEARNING_RATE = "training.learning_rate";

  /** The batch size's path in the configuration walk. */
  private static final String BATCH_SIZE = "training.batch_size";

  /**
   * Keeps, per configuration without its learning rate and batch size, the finished trial with the
   * lowest final loss over learning rates and batch sizes: siblings that differ only in those are
   * merged (the L(N, D) fit sees each (N, D) at its best hyperparameters, as Kaplan et al. and
   * Hoffmann et al. fit), different models (one N can come from several shapes) never are.
   */
  /** What the report's tooltips show of a trial; {@code stderr} null where unknown. */
  static TrialInfo info(Trial t, Double stderr) {
    return new TrialInfo(
        t.width(),
        t.depth(),
        t.training().learningRate(),
        t.training().batchSize(),
        t.tokensPerStep(),
        stderr == null ? Double.NaN : stderr,
        t.branched() ? t.trunkId() : null,
        t.branched() ? t.forkStep() : 0);
  }

  static List<TrialPoint> bestLearningRate(List<TrialPoint> rows, List<TrialOutcome> outcomes) {
    return bestLearningRate(rows, outcomes, List.of());
  }

  /** As {@link #bestLearningRate(List, List)}, with predicted branches among the rows. */
  static List<TrialPoint> bestLearningRate(
      List<TrialPoint> rows, List<TrialOutcome> outcomes, List<PredictedBranch> predicted) {
    Map<String, Trial> trials = new HashMap<>();
    predicted.forEach(p -> trials.put(p.trial().trialId(), p.trial()));
    outcomes.forEach(o -> trials.put(o.trial().trialId(), o.trial()));
    Map<List<ConfigWalk.Leaf>, TrialPoint> best = new LinkedHashMap<>();
    for (TrialPoint p : rows) {
      Trial t = trials.get(p.trialId());
      InvariantViolation.check(
          t != null, "fitted row " + p.trialId() + " has no trial among the outcomes");
      best.merge(
          withoutLearningRateOrBatch(t), p, (a, b) -> a.point().loss() <= b.point().loss() ? a : b);
    }
    return new ArrayList<>(best.values());
  }

  /**
   * The trial's configuration as the trial id's {@link ConfigWalk} sees it, less the learning rate
   * and the batch size: a field added to the configuration is part of the key without anyone
   * remembering to add it here.
   */
  static List<ConfigWalk.Leaf> withoutLearningRateOrBatch(Trial t) {
    return ConfigWalk.leaves(t.config()).stream()
        .filter(l -> !l.path().equals(LEARNING_RATE) && !l.path().equals(BATCH_SIZE))
        .toList();
  }
}
