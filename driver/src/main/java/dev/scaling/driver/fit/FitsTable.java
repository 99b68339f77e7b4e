package dev.scaling.driver.fit;

import dev.scaling.common.fit.Allocation;
import dev.scaling.common.fit.AllocationStudy;
import dev.scaling.common.fit.BootstrapResult;
import dev.scaling.common.fit.ChinchillaParams;
import dev.scaling.common.fit.FitResult;
import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.LawFit;
import dev.scaling.common.fit.ScalingAnalysis;
import dev.scaling.common.spec.SpecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Writes {@code OUT/fits/part-00000.parquet}: one row per (form, parameter) with columns form,
 * approach (null), parameter, estimate, ci_low, ci_high (null without bootstrap), objective,
 * n_points, delta and at_bound (the parameter ended at a bound of the law's domain, e.g. B = 0 or
 * beta <= 0); then the compute-optimal rows, form {@code compute_optimal} and one approach each: a,
 * b (with intervals), N_opt, D_opt, tokens_per_param and at_compute (the target compute), with
 * objective, n_points and delta null. Rows of form {@code hparams} (the hyperparameter laws) have
 * objective the residual sum of squares of the log values, n_points the runs fitted, delta null.
 */
public final class FitsTable {
  /** The Parquet schema of the fits table. */
  public static final MessageType SCHEMA =
      MessageTypeParser.parseMessageType(
          "message fits { required binary form (STRING); optional binary approach (STRING);"
              + " required binary parameter (STRING); required double estimate;"
              + " optional double ci_low; optional double ci_high; optional double objective;"
              + " optional int32 n_points; optional double delta; required boolean at_bound;"
              + " optional binary group (STRING); optional double target; }");

  /** The form column of the compute-optimal rows. */
  public static final String COMPUTE_OPTIMAL = "compute_optimal";

  private FitsTable() {}

  /**
   * One row of the table; approach, objective, nPoints and delta may be null. {@code group} and
   * {@code target} place a row of a per-group fit: the batch-size fits have one set of parameters
   * per (model, target loss), e.g. group {@code 85M}, target 3.42; null for a law fitted once.
   */
  public record Row(
      String form,
      String approach,
      String parameter,
      double estimate,
      Interval ci,
      Double objective,
      Integer nPoints,
      Double delta,
      boolean atBound,
      String group,
      Double target) {

    /** A row of a law fitted once (no group, no target). */
    public Row(
        String form,
        String approach,
        String parameter,
        double estimate,
        Interval ci,
        Double objective,
        Integer nPoints,
        Double delta,
        boolean atBound) {
      this(form, approach, parameter, estimate, ci, objective, nPoints, delta, atBound, null, null);
    }
  }

  /**
   * The rows for an analysis: every parameter of every law, then each approach's compute-optimal
   * allocation.
   */
  public static List<Row> rows(ScalingAnalysis a, AllocationStudy study) {
    List<Row> out = new ArrayList<>();
    for (LawFit lf : a.fits()) {
      FitResult r = lf.fit();
      BootstrapResult boot = lf.bootstrap();
      for (Map.Entry<String, Double> e : r.params().named().entrySet()) {
        out.add(
            new Row(
                r.form().label(),
                null,
                e.getKey(),
                e.getValue(),
                boot == null ? null : boot.get(e.getKey()),
                r.objective(),
                r.nPoints(),
                r.delta(),
                r.atBound().contains(e.getKey())));
      }
    }
    for (Allocation e : study.estimates()) {
      String ap = e.approach().label();
      out.add(new Row(COMPUTE_OPTIMAL, ap, "a", e.a(), e.ciA(), null, null, null, false));
      out.add(new Row(COMPUTE_OPTIMAL, ap, "b", e.b(), e.ciB(), null, null, null, false));
      out.add(new Row(COMPUTE_OPTIMAL, ap, "N_opt", e.nOpt(), null, null, null, null, false));
      out.add(new Row(COMPUTE_OPTIMAL, ap, "D_opt", e.dOpt(), null, null, null, null, false));
      out.add(
          new Row(
              COMPUTE_OPTIMAL,
              ap,
              "tokens_per_param",
              e.tokensPerParam(),
              null,
              null,
              null,
              null,
              false));
      out.add(
          new Row(COMPUTE_OPTIMAL, ap, "at_compute", e.atCompute(), null, null, null, null, false));
    }
    return out;
  }

  /** Writes the table into folder {@code dir} (replacing its part file) and returns the file. */
  public static Path write(ScalingAnalysis a, AllocationStudy study, Path dir) {
    return write(rows(a, study), dir);
  }

  /**
   * Writes {@code rows} as the table into folder {@code dir} (replacing its part file) and returns
   * the file: the scaling-law rows of {@link #rows} followed by any other fits of the run (batch
   * size, hyperparameter laws).
   */
  public static Path write(List<Row> rows, Path dir) {
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
        for (Row r : rows) {
          Group g = f.newGroup().append("form", r.form());
          if (r.approach() != null) {
            g.append("approach", r.approach());
          }
          g.append("parameter", r.parameter()).append("estimate", r.estimate());
          if (r.ci() != null) {
            g.append("ci_low", r.ci().lo()).append("ci_high", r.ci().hi());
          }
          // Each optional on its own: a side fit's row has points but no Huber objective or delta.
          if (r.objective() != null) {
            g.append("objective", r.objective());
          }
          if (r.nPoints() != null) {
            g.append("n_points", r.nPoints());
          }
          if (r.delta() != null) {
            g.append("delta", r.delta());
          }
          g.append("at_bound", r.atBound());
          if (r.group() != null) {
            g.append("group", r.group());
          }
          if (r.target() != null) {
            g.append("target", r.target());
          }
          w.write(g);
        }
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write fits table " + file, e);
    }
  }

  /**
   * The Chinchilla point estimate (E, A, B, alpha, beta) of the fits table of a finished run:
   * {@code runDir/fits}, a local path or any Hadoop URI; for {@code ./sweep plan --assume-from}.
   *
   * @throws SpecException naming {@code --assume-from} when the table is absent or holds no
   *     complete, valid chinchilla row set
   */
  public static ChinchillaParams readChinchilla(String runDir, Configuration hadoop) {
    org.apache.hadoop.fs.Path dir = TableReader.toPath(runDir + "/fits");
    Map<String, Double> found = new LinkedHashMap<>();
    try {
      FileSystem fs = dir.getFileSystem(hadoop);
      if (!fs.exists(dir)) {
        throw new SpecException("--assume-from", "a finished run's folder, with fits/", runDir);
      }
      for (FileStatus f : fs.listStatus(dir)) {
        if (!f.getPath().getName().endsWith(".parquet")) {
          continue;
        }
        try (ParquetFileReader reader =
            ParquetFileReader.open(HadoopInputFile.fromPath(f.getPath(), hadoop))) {
          MessageType schema = reader.getFooter().getFileMetaData().getSchema();
          TableReader.forEachRecord(
              reader,
              schema,
              g -> {
                if ("chinchilla".equals(g.getString("form", 0))) {
                  found.put(g.getString("parameter", 0), g.getDouble("estimate", 0));
                }
              });
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the fits table under " + runDir, e);
    }
    List<String> names = List.of("E", "A", "B", "alpha", "beta");
    if (!found.keySet().containsAll(names)) {
      throw new SpecException(
          "--assume-from",
          "a run whose fits table holds a chinchilla fit (E, A, B, alpha, beta)",
          runDir + " (found " + found.keySet() + ")");
    }
    try {
      return new ChinchillaParams(
          found.get("E"), found.get("A"), found.get("B"), found.get("alpha"), found.get("beta"));
    } catch (IllegalArgumentException e) {
      throw new SpecException("--assume-from", "a run with a valid chinchilla fit", e.getMessage());
    }
  }
}
