package dev.scaling.driver.fit;

import dev.scaling.common.fit.BootstrapResult;
import dev.scaling.common.fit.FitResult;
import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.LawFit;
import dev.scaling.common.fit.ScalingAnalysis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Writes {@code OUT/fits/part-00000.parquet}: one row per (form, parameter) with columns form,
 * parameter, estimate, ci_low, ci_high (null without bootstrap), objective, n_points, delta.
 */
public final class FitsTable {
  /** The Parquet schema of the fits table. */
  public static final MessageType SCHEMA = MessageTypeParser.parseMessageType(
      "message fits { required binary form (STRING); required binary parameter (STRING);"
          + " required double estimate; optional double ci_low; optional double ci_high;"
          + " required double objective; required int32 n_points; required double delta; }");

  private FitsTable() {}

  /** One row of the table. */
  public record Row(String form, String parameter, double estimate, Interval ci, double objective,
      int nPoints, double delta) {}

  /** The rows for an analysis: every parameter of every law, then a, b and N_opt for Chinchilla. */
  public static List<Row> rows(ScalingAnalysis a) {
    List<Row> out = new ArrayList<>();
    for (LawFit lf : a.fits()) {
      add(out, lf.fit(), lf.bootstrap());
    }
    for (FitResult r : a.singleVariable()) {
      add(out, r, null);
    }
    return out;
  }

  private static void add(List<Row> out, FitResult r, BootstrapResult boot) {
    for (Map.Entry<String, Double> e : r.params().named().entrySet()) {
      out.add(new Row(r.form().label(), e.getKey(), e.getValue(), boot == null ? null : boot.get(e.getKey()),
          r.objective(), r.nPoints(), r.delta()));
    }
    if (r.params() instanceof dev.scaling.common.fit.ChinchillaParams c) {
      var o = c.computeOptimal();
      out.add(new Row(r.form().label(), "a", o.a(), boot == null ? null : boot.get("a"), r.objective(),
          r.nPoints(), r.delta()));
      out.add(new Row(r.form().label(), "b", o.b(), boot == null ? null : boot.get("b"), r.objective(),
          r.nPoints(), r.delta()));
      if (boot != null && Double.isFinite(boot.optimalCompute())) {
        out.add(new Row(r.form().label(), "N_opt", o.nOpt(boot.optimalCompute()), boot.get("N_opt"),
            r.objective(), r.nPoints(), r.delta()));
      }
    }
  }

  /** Writes the table into folder {@code dir} (replacing its part file) and returns the file. */
  public static Path write(ScalingAnalysis a, Path dir) {
    Path file = dir.resolve("part-00000.parquet");
    try {
      Files.createDirectories(dir);
      SimpleGroupFactory f = new SimpleGroupFactory(SCHEMA);
      try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
          .withType(SCHEMA)
          .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
          .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
          .build()) {
        for (Row r : rows(a)) {
          Group g = f.newGroup()
              .append("form", r.form())
              .append("parameter", r.parameter())
              .append("estimate", r.estimate());
          if (r.ci() != null) {
            g.append("ci_low", r.ci().lo()).append("ci_high", r.ci().hi());
          }
          g.append("objective", r.objective()).append("n_points", r.nPoints()).append("delta", r.delta());
          w.write(g);
        }
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write fits table " + file, e);
    }
  }
}
