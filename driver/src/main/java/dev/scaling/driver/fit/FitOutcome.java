package dev.scaling.driver.fit;

import dev.scaling.common.fit.AllocationStudy;
import dev.scaling.common.fit.ScalingAnalysis;
import java.nio.file.Path;
import java.util.List;

/**
 * What a fit run produced: the analysis, the compute-optimal approaches side by side, where it
 * wrote, the notes on excluded rows, the printed summary and the JSON object. {@code analysis} and
 * {@code allocations} are null only for a report of side fits alone ({@link SweepFit#writeSides}),
 * which never leaves the sweep layer.
 */
public record FitOutcome(
    ScalingAnalysis analysis,
    AllocationStudy allocations,
    Path fitsFile,
    Path report,
    List<String> notes,
    String summary,
    String json) {
  public FitOutcome {
    notes = List.copyOf(notes);
  }
}
