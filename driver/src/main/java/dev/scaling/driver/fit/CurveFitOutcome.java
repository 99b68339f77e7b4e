package dev.scaling.driver.fit;

import dev.scaling.driver.report.CurveEvaluation;
import java.nio.file.Path;

/**
 * What {@code ./sweep fit --curves} produced: the law and its predictions, where it wrote them and
 * the summary it printed.
 *
 * @param evaluation the fit (or given parameters), each run's prediction and accuracy
 * @param fitsFile {@code OUT/curve_fits/part-00000.parquet}
 * @param predictionsFile {@code OUT/curve_predictions/part-00000.parquet}
 * @param report {@code OUT/report/curves.html}
 * @param summary the text printed
 */
public record CurveFitOutcome(
    CurveEvaluation evaluation, Path fitsFile, Path predictionsFile, Path report, String summary) {}
