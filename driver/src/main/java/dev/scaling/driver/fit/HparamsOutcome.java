package dev.scaling.driver.fit;

import dev.scaling.common.hparams.HparamsFit;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code ./sweep fit --form hparams} did: the fitted laws, the files written, and the summary
 * and JSON line it printed.
 *
 * @param notes sentences about the rows left out or how the runs were ranked
 * @param fitsFile {@code OUT/fits/part-00000.parquet}
 * @param report {@code OUT/report/index.html}
 */
public record HparamsOutcome(
    HparamsFit fit, List<String> notes, Path fitsFile, Path report, String summary, String json) {
  public HparamsOutcome {
    notes = List.copyOf(notes);
  }
}
