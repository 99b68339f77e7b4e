package dev.scaling.driver.fit;

import dev.scaling.common.fit.BootstrapResult;
import dev.scaling.common.fit.ComputeOptimal;
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
 * parameter, estimate, ci_low, ci_high (null without bootstrap), objective, n_points, delta and
 * at_bound (the parameter ended at a bound of the law's domain, e.g. B = 0 or beta <= 0); a law
 * with a compute-optimal allocation adds rows a, b and N_opt (at the table's largest 6ND).
 */
public final class FitsTable {
  /** The Parquet schema of the fits table. */
  public static final MessageType SCHEMA =
      MessageTypeParser.parseMessageType(
          "message fits { required binary form (STRING); required binary parameter (STRING);"
              + " required double estimate; optional double ci_low; optional double ci_high;"
              + " required double objective; required int32 n_points; required double delta;"
              + " required boolean at_bound; }");

  private FitsTable() {}

  /** One row of the table. */
  public record Row(
      String form,
      String parameter,
      double estimate,
      Interval ci,
      double objective,
      int nPoints,
      double delta,
      boolean atBound) {}

  /** The rows for an analysis: every parameter of every law, then its allocation's quantities. */
  public static List<Row> rows(ScalingAnalysis a) {
    List<Row> out = new ArrayList<>();
    for (LawFit lf : a.fits()) {
      FitResult r = lf.fit();
      BootstrapResult boot = lf.bootstrap();
      for (Map.Entry<String, Double> e : r.params().named().entrySet()) {
        out.add(
            new Row(
                r.form().label(),
                e.getKey(),
                e.getValue(),
                boot == null ? null : boot.get(e.getKey()),
                r.objective(),
                r.nPoints(),
                r.delta(),
                r.atBound().contains(e.getKey())));
      }
      lf.computeOptimal()
          .ifPresent(
              o -> {
                for (ComputeOptimal.Quantity q : ComputeOptimal.Quantity.values()) {
                  out.add(
                      new Row(
                          r.form().label(),
                          q.label(),
                          q.of(o, a.optimalCompute()),
                          boot == null ? null : boot.get(q),
                          r.objective(),
                          r.nPoints(),
                          r.delta(),
                          false));
                }
              });
    }
    return out;
  }

  /** Writes the table into folder {@code dir} (replacing its part file) and returns the file. */
  public static Path write(ScalingAnalysis a, Path dir) {
    Path file = dir.resolve("part-00000.parquet");
    try {
      Files.createDirectories(dir);
      SimpleGroupFactory f = new SimpleGroupFactory(SCHEMA);
      try (ParquetWriter<Group> w =
          ExampleParquetWriter.builder(new LocalOutputFile(file))
              .withType(SCHEMA)
              .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
              .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
              .build()) {
        for (Row r : rows(a)) {
          Group g =
              f.newGroup()
                  .append("form", r.form())
                  .append("parameter", r.parameter())
                  .append("estimate", r.estimate());
          if (r.ci() != null) {
            g.append("ci_low", r.ci().lo()).append("ci_high", r.ci().hi());
          }
          g.append("objective", r.objective())
              .append("n_points", r.nPoints())
              .append("delta", r.delta())
              .append("at_bound", r.atBound());
          w.write(g);
        }
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write fits table " + file, e);
    }
  }
}
