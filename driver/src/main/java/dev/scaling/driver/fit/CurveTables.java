package dev.scaling.driver.fit;

import dev.scaling.common.curve.Curve;
import dev.scaling.common.curve.CurveFit;
import dev.scaling.common.fit.Interval;
import dev.scaling.driver.report.CurveEvaluation;
import dev.scaling.driver.report.CurvePrediction;
import dev.scaling.driver.spark.TrialProvenance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Writes the two Parquet tables of {@code ./sweep fit --curves}, one part file each:
 *
 * <ul>
 *   <li>{@code curve_fits}: one row per parameter of the law: law, parameter, value, low and high
 *       (the bootstrap interval, null without one), train_runs (a list of names, empty for given
 *       parameters), points (logged losses fitted), objective (null for given parameters),
 *       converged, given (parameters from --params, not fitted), and the provenance: huber_delta,
 *       bootstrap, seed, confidence, source (the curves table), loss_column, app_version and
 *       fitted_at (UTC, ISO-8601);
 *   <li>{@code curve_predictions}: one row per row of every training and predicted run: run, step,
 *       lr, loss (null where not logged), predicted (null where the law has no finite value),
 *       predicted_low and predicted_high (the bootstrap band, null without one), trained_on (the
 *       run was a training run), predicted_run (the run was asked to be predicted) and law.
 * </ul>
 */
public final class CurveTables {
  /** The folder of the fits table under OUT. */
  public static final String FITS = "curve_fits";

  /** The folder of the predictions table under OUT. */
  public static final String PREDICTIONS = "curve_predictions";

  /** The one part file of each table. */
  public static final String PART = "part-00000.parquet";

  /** The Parquet schema of {@code curve_fits}. */
  public static final MessageType FITS_SCHEMA =
      MessageTypeParser.parseMessageType(
          "message curve_fits { required binary law (STRING); required binary parameter (STRING);"
              + " required double value; optional double low; optional double high;"
              + " required group train_runs (LIST) { repeated group list {"
              + " required binary element (STRING); } }"
              + " required int32 points; optional double objective; required boolean converged;"
              + " required boolean given; required double huber_delta; required int32 bootstrap;"
              + " required int64 seed; required double confidence; required binary source (STRING);"
              + " required binary loss_column (STRING); required binary app_version (STRING);"
              + " required binary fitted_at (STRING); }");

  /** The Parquet schema of {@code curve_predictions}. */
  public static final MessageType PREDICTIONS_SCHEMA =
      MessageTypeParser.parseMessageType(
          "message curve_predictions { required binary run (STRING); required int64 step;"
              + " required double lr; optional double loss; optional double predicted;"
              + " optional double predicted_low; optional double predicted_high;"
              + " required boolean trained_on; required boolean predicted_run;"
              + " required binary law (STRING); }");

  private CurveTables() {}

  /**
   * How a curve fit was made, beside its parameters: the fitter's options, the input and this
   * build.
   */
  public record Provenance(
      double huberDelta,
      int bootstrap,
      long seed,
      double confidence,
      String source,
      String lossColumn,
      String appVersion,
      Instant fittedAt) {
    /** The provenance of {@code request}, fitted now by this build. */
    public static Provenance now(CurveFitRequest request) {
      boolean given = request.params() != null;
      return new Provenance(
          request.options().huberDelta(),
          given ? 0 : request.options().bootstrap(),
          request.options().seed(),
          request.options().confidence(),
          request.table().source(),
          request.table().lossColumn(),
          TrialProvenance.appVersion(),
          Instant.now());
    }
  }

  /** Writes {@code curve_fits} into folder {@code dir} and returns the part file. */
  public static Path writeFits(CurveEvaluation e, Provenance p, Path dir) {
    CurveFit fit = e.fit();
    List<String> names = fit.form().law().parameterNames();
    double[] values = fit.params();
    return write(
        dir,
        FITS_SCHEMA,
        (f, w) -> {
          for (int k = 0; k < names.size(); k++) {
            Group g =
                f.newGroup()
                    .append("law", fit.form().label())
                    .append("parameter", names.get(k))
                    .append("value", values[k]);
            if (!fit.intervals().isEmpty()) {
              Interval ci = fit.intervals().get(k);
              g.append("low", ci.lo()).append("high", ci.hi());
            }
            Group runs = g.addGroup("train_runs");
            for (String run : fit.trainRuns()) {
              runs.addGroup("list").append("element", run);
            }
            g.append("points", fit.points());
            if (!Double.isNaN(fit.objective())) {
              g.append("objective", fit.objective());
            }
            g.append("converged", fit.converged())
                .append("given", e.given())
                .append("huber_delta", p.huberDelta())
                .append("bootstrap", p.bootstrap())
                .append("seed", p.seed())
                .append("confidence", p.confidence())
                .append("source", p.source())
                .append("loss_column", p.lossColumn())
                .append("app_version", p.appVersion())
                .append("fitted_at", p.fittedAt().toString());
            w.write(g);
          }
        });
  }

  /** Writes {@code curve_predictions} into folder {@code dir} and returns the part file. */
  public static Path writePredictions(CurveEvaluation e, Path dir) {
    String law = e.fit().form().label();
    return write(
        dir,
        PREDICTIONS_SCHEMA,
        (f, w) -> {
          for (CurvePrediction r : e.runs()) {
            Curve c = r.curve();
            double[] predicted = r.loss();
            double[] low = r.low();
            double[] high = r.high();
            for (int i = 0; i < c.steps().length; i++) {
              Group g =
                  f.newGroup()
                      .append("run", c.run())
                      .append("step", c.steps()[i])
                      .append("lr", c.lr()[i]);
              if (!Double.isNaN(c.loss()[i])) {
                g.append("loss", c.loss()[i]);
              }
              if (Double.isFinite(predicted[i])) {
                g.append("predicted", predicted[i]);
              }
              if (low != null && Double.isFinite(low[i]) && Double.isFinite(high[i])) {
                g.append("predicted_low", low[i]).append("predicted_high", high[i]);
              }
              g.append("trained_on", r.trainedOn())
                  .append("predicted_run", r.predicted())
                  .append("law", law);
              w.write(g);
            }
          }
        });
  }

  /** Writes rows into {@code dir/part-00000.parquet}. */
  private interface Rows {
    void write(SimpleGroupFactory f, ParquetWriter<Group> w) throws IOException;
  }

  private static Path write(Path dir, MessageType schema, Rows rows) {
    Path file = dir.resolve(PART);
    try {
      Files.createDirectories(dir);
      try (ParquetWriter<Group> w =
          ExampleParquetWriter.builder(new LocalOutputFile(file))
              .withType(schema)
              .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
              .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
              .build()) {
        rows.write(new SimpleGroupFactory(schema), w);
      }
      return file;
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write " + file, ex);
    }
  }
}
