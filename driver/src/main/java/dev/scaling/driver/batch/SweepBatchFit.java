package dev.scaling.driver.batch;

import dev.scaling.common.batch.BatchFitOptions;
import dev.scaling.common.batch.CriticalBatchFitter;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.fit.BatchFitOutcome;
import dev.scaling.driver.fit.BatchFitService;
import dev.scaling.driver.fit.FitsTable;
import dev.scaling.driver.sweep.FinishedSweep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;

/**
 * {@code ./sweep fit --form batch --input OUT} on a sweep's output folder: the sweep's batch study
 * ({@link BatchStudy}) built again from its committed trials and their curves, at the targets given
 * ({@code --targets}) or chosen automatically as at the end of {@code ./sweep run}; only once it is
 * fitted are {@code OUT/fits/part-00000.parquet} and {@code OUT/report/index.html} written.
 */
public final class SweepBatchFit {
  private SweepBatchFit() {}

  /**
   * Reads the sweep in {@code input}, fits its batch study at {@code targets} (null: automatic) and
   * writes its rows and page under {@code outDir}.
   *
   * @throws SpecException naming {@code --input} when no model has {@value
   *     CriticalBatchFitter#MIN_BATCH_SIZES} or more batch sizes among the finished trials, or
   *     {@code --targets[i]} for a target outside every trial's range; nothing is written then
   */
  public static BatchFitOutcome fitAndWrite(
      String input,
      Configuration hadoop,
      List<Double> targets,
      BatchFitOptions options,
      Path outDir) {
    FinishedSweep sweep;
    try {
      sweep = FinishedSweep.read(input, hadoop);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the sweep in " + input, e);
    }
    List<TrialOutcome> outcomes = sweep.outcomes();
    BatchStudy study =
        BatchStudy.of(BatchModels.of(outcomes), targets, options, BatchStudy.entropyFloor(outcomes))
            .orElseThrow(() -> noStudy(input, outcomes));
    Path fits = FitsTable.write(study.rows(), outDir.resolve("fits"));
    Path report = outDir.resolve("report").resolve("index.html");
    try {
      Files.createDirectories(report.getParent());
      Files.writeString(report, BatchSection.page(study), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + report, e);
    }
    StringBuilder summary = new StringBuilder();
    sweep.notes().forEach(n -> summary.append("note: ").append(n).append('\n'));
    study.summary().forEach(l -> summary.append(l).append('\n'));
    summary.append("fits: ").append(fits).append('\n');
    summary.append("report: ").append(report).append('\n');
    return new BatchFitOutcome(
        study.analysis(),
        fits,
        summary.toString(),
        BatchFitService.json(study.analysis(), input, options));
  }

  private static SpecException noStudy(String input, List<TrialOutcome> outcomes) {
    List<BatchModels.Model> models = BatchModels.of(outcomes);
    long finished =
        outcomes.stream().filter(o -> o.result().status() == TrialStatus.FINISHED).count();
    String found =
        models.isEmpty()
            ? "none"
            : models.stream()
                .map(m -> m.group() + ": " + m.batchSizes().size())
                .collect(Collectors.joining(", "));
    return new SpecException(
        "--input",
        String.format(
            Locale.ROOT,
            "a sweep with some model trained at %d or more batch sizes (a grid.batch_size axis)"
                + " for the batch-size analysis; models of %s (%d finished trial(s)) and their"
                + " batch sizes",
            CriticalBatchFitter.MIN_BATCH_SIZES,
            input,
            finished),
        found);
  }
}
