package dev.scaling.driver.fit;

import java.nio.file.Path;

/**
 * What {@code ./sweep fit --form batch} produced: the analysis, where it wrote the fits table, the
 * summary it printed and its JSON object (printed with --json).
 *
 * @param analysis the fits and laws
 * @param fitsFile {@code OUT/fits/part-00000.parquet}
 * @param summary the text printed
 * @param json the one-line JSON object
 */
public record BatchFitOutcome(BatchAnalysis analysis, Path fitsFile, String summary, String json) {}
