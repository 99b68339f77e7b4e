package dev.scaling.driver;

import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.fit.LawForm;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.fit.FitOutcome;
import dev.scaling.driver.fit.SweepFit;
import dev.scaling.driver.report.CurveSample;
import dev.scaling.driver.report.TrialPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * The end of {@code sweep run}: fits the laws over the sweep's finished trials with the same fitter as
 * {@code sweep fit}, and writes {@code OUT/fits} and {@code OUT/report}. On a non-local OUT (hdfs:, s3a:)
 * the files are written to a local temporary folder first and then copied through Hadoop FS.
 */
final class SweepLaws {
  private SweepLaws() {}

  /** Fewest finished trials worth a joint fit of a 5-parameter law. */
  static final int MIN_TRIALS = 6;

  /** Fits and reports; returns null (and says why) when too few trials finished. */
  static FitOutcome fitAndReport(List<TrialOutcome> outcomes, String outDir, Configuration hadoop, FitOptions options)
      throws IOException {
    List<TrialPoint> rows = new ArrayList<>();
    List<CurveSample> curves = new ArrayList<>();
    Map<String, Integer> excluded = new TreeMap<>();
    Double floor = null;
    for (TrialOutcome o : outcomes) {
      if (o.result().entropyFloor() != null) {
        floor = o.result().entropyFloor();
      }
      for (CurvePoint p : o.result().curve()) {
        curves.add(new CurveSample(o.trial().trialId(), p.step(), p.tokens(), p.lr(), p.trainLoss(), p.evalLoss()));
      }
      if (o.result().status() == TrialStatus.FINISHED && Double.isFinite(o.result().finalEvalLoss())) {
        rows.add(new TrialPoint(o.trial().trialId(),
            new ScalingPoint(o.trial().nParams(), o.trial().tokens(), o.result().finalEvalLoss())));
      } else {
        excluded.merge(o.result().status().label(), 1, Integer::sum);
      }
    }
    List<String> notes = new ArrayList<>();
    int before = rows.size();
    rows = bestLearningRate(rows, outcomes);
    if (rows.size() < before) {
      notes.add("several learning rates per grid point: the fits use the lowest final loss of each (N, D, seed), "
          + rows.size() + " of " + before + " finished trials");
    }
    if (!excluded.isEmpty()) {
      notes.add(excluded.values().stream().mapToInt(Integer::intValue).sum()
          + " trial(s) excluded from the fits, status other than finished: " + excluded);
    }
    long distinctN = rows.stream().mapToDouble(r -> r.point().n()).distinct().count();
    long distinctD = rows.stream().mapToDouble(r -> r.point().d()).distinct().count();
    if (rows.size() < MIN_TRIALS || distinctN < 3 || distinctD < 3) {
      System.out.printf(
          "Fits skipped: %d finished trial(s) with %d distinct N and %d distinct D; a joint law needs at least %d"
              + " trials and 3 distinct values of each.%n",
          rows.size(), distinctN, distinctD, MIN_TRIALS);
      return null;
    }
    Path local = localFolder(outDir);
    FitOutcome fit = SweepFit.fitAndReport(rows, curves, floor, notes, options,
        List.of(LawForm.CHINCHILLA, LawForm.KAPLAN), local);
    if (!outDir.startsWith("file:")) {
      org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(outDir);
      FileSystem fs = target.getFileSystem(hadoop);
      for (String sub : List.of("fits", "report")) {
        org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(target, sub);
        fs.delete(dst, true);
        fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.resolve(sub).toUri()), dst);
      }
    }
    return fit;
  }

  /** Keeps, per (N, D, replica), the finished trial with the lowest final loss over learning rates. */
  private static List<TrialPoint> bestLearningRate(List<TrialPoint> rows, List<TrialOutcome> outcomes) {
    Map<String, Integer> replicaOf = new java.util.HashMap<>();
    outcomes.forEach(o -> replicaOf.put(o.trial().trialId(), o.trial().replica()));
    Map<String, TrialPoint> best = new java.util.LinkedHashMap<>();
    for (TrialPoint p : rows) {
      String key = p.point().n() + "/" + p.point().d() + "/" + replicaOf.get(p.trialId());
      best.merge(key, p, (a, b) -> a.point().loss() <= b.point().loss() ? a : b);
    }
    return new ArrayList<>(best.values());
  }

  private static Path localFolder(String outDir) throws IOException {
    if (outDir.startsWith("file:")) {
      return Path.of(java.net.URI.create(outDir));
    }
    return Files.createTempDirectory("sweep-report");
  }
}
