package dev.scaling.driver.fit;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.common.spec.SpecException;
import dev.scaling.driver.report.TrialPoint;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads (N, D, loss) rows from a CSV file with a header row or from Parquet (one file or a folder
 * of part files, e.g. a sweep's {@code OUT/trials}), on any Hadoop file system (local, hdfs:,
 * s3a:). Rows whose {@code status} is not {@code finished} or whose loss is not finite are excluded
 * and counted; a missing or non-positive value is an error naming the row and column unless invalid
 * rows are to be dropped.
 */
public final class TableReader {
  private TableReader() {}

  /**
   * Reads {@code input}, a local path or any Hadoop file-system URI (hdfs:, s3a:, file:) of a CSV
   * file or of Parquet (a file, or a folder of part files); null column names mean the defaults
   * (n_params/N, tokens/D, final_eval_loss/loss).
   */
  public static InputTable read(
      String input,
      Configuration hadoop,
      String nCol,
      String dCol,
      String lossCol,
      boolean dropInvalid) {
    return read(input, hadoop, nCol, dCol, lossCol, null, dropInvalid);
  }

  /**
   * As {@link #read(String, Configuration, String, String, String, boolean)}, and with {@code
   * computeCol} (non-null) each row's training compute C is read from that column and returned
   * beside the rows; then N or D may be absent from the table and is derived as D = C/(6N) or N =
   * C/(6D).
   */
  public static InputTable read(
      String input,
      Configuration hadoop,
      String nCol,
      String dCol,
      String lossCol,
      String computeCol,
      boolean dropInvalid) {
    List<String> header;
    List<String[]> cells;
    Path path = toPath(input);
    boolean parquet;
    try {
      FileSystem fs;
      try {
        fs = path.getFileSystem(hadoop);
      } catch (UnsupportedFileSystemException e) {
        throw new SpecException(
            "--input",
            "a local path or a URI of a file system on the classpath (file:, hdfs:, s3a: with hadoop-aws)",
            input);
      }
      FileStatus status;
      try {
        status = fs.getFileStatus(path);
      } catch (FileNotFoundException e) {
        throw new SpecException("--input", "an existing CSV file or Parquet file or folder", input);
      }
      parquet = status.isDirectory() || path.getName().endsWith(".parquet");
      if (parquet) {
        List<Path> files = new ArrayList<>();
        if (status.isDirectory()) {
          for (FileStatus f : fs.listStatus(path)) {
            if (f.isFile() && f.getPath().getName().endsWith(".parquet")) {
              files.add(f.getPath());
            }
          }
          files.sort(Comparator.comparing(Path::getName));
          if (files.isEmpty()) {
            throw new SpecException(
                "--input", "a folder with .parquet files or a single file", input);
          }
        } else {
          files.add(path);
        }
        header = new ArrayList<>();
        cells = new ArrayList<>();
        for (Path f : files) {
          readParquet(HadoopInputFile.fromPath(f, hadoop), header, cells);
        }
      } else {
        CsvParserSettings settings = new CsvParserSettings();
        settings.setHeaderExtractionEnabled(false);
        settings.setNullValue(null);
        settings.setEmptyValue(null);
        try (Reader r = new InputStreamReader(fs.open(path), StandardCharsets.UTF_8)) {
          List<String[]> all = new CsvParser(settings).parseAll(r);
          if (all.isEmpty()) {
            throw new SpecException("--input", "a CSV file with a header row", input + " (empty)");
          }
          header = Arrays.stream(all.get(0)).map(h -> h == null ? "" : h.trim()).toList();
          cells = all.subList(1, all.size());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + input, e);
    }
    int ic =
        computeCol == null ? -1 : column(header, computeCol, null, null, "--compute-col", input);
    int in = optionalColumn(header, nCol, "n_params", "N", "--n-col", input, ic >= 0);
    int id = optionalColumn(header, dCol, "tokens", "D", "--d-col", input, ic >= 0);
    if (in < 0 && id < 0) {
      throw SpecException.of(
          "--n-col",
          String.format(
              Locale.ROOT,
              "with --compute-col at least one of N (n_params, N) and D (tokens, D) is needed;"
                  + " columns of %s are %s",
              input,
              header));
    }
    int il = column(header, lossCol, "final_eval_loss", "loss", "--loss-col", input);
    List<Double> compute = new ArrayList<>();
    int is = header.indexOf("status");
    int it = header.indexOf("trial_id");
    List<TrialPoint> rows = new ArrayList<>();
    int notFinished = 0;
    int nonFinite = 0;
    List<String> dropped = new ArrayList<>();
    for (int r = 0; r < cells.size(); r++) {
      String[] c = cells.get(r);
      String where =
          (parquet ? "row " + (r + 1) : "row " + (r + 1) + " (line " + (r + 2) + ")")
              + " of "
              + input;
      if (is >= 0 && !"finished".equalsIgnoreCase(cell(c, is))) {
        notFinished++;
        continue;
      }
      String bad = null;
      double[] v = new double[4];
      int[] idx = {in, id, il, ic};
      for (int k = 0; k < 4 && bad == null; k++) {
        if (idx[k] < 0) {
          continue;
        }
        String s = cell(c, idx[k]);
        if (s == null || s.isBlank()) {
          bad = "column " + header.get(idx[k]) + " is missing";
          continue;
        }
        try {
          v[k] = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
          bad = "column " + header.get(idx[k]) + " is not a number: " + s;
          continue;
        }
        if (k == 2 && (Double.isNaN(v[k]) || Double.isInfinite(v[k]))) {
          bad = "nonfinite";
        } else if (!(v[k] > 0) || Double.isInfinite(v[k])) {
          bad = "column " + header.get(idx[k]) + " must be positive, found " + s.trim();
        }
      }
      if ("nonfinite".equals(bad)) {
        nonFinite++;
        continue;
      }
      if (bad != null) {
        if (!dropInvalid) {
          throw SpecException.of(where, bad + " (use --drop-invalid to skip such rows)");
        }
        dropped.add((r + 1) + "");
        continue;
      }
      if (ic >= 0) {
        // The missing one of N and D from C = 6ND.
        v[0] = in >= 0 ? v[0] : v[3] / (6 * v[1]);
        v[1] = id >= 0 ? v[1] : v[3] / (6 * v[0]);
        compute.add(v[3]);
      }
      rows.add(new TrialPoint(it >= 0 ? cell(c, it) : null, new ScalingPoint(v[0], v[1], v[2])));
    }
    List<String> notes = new ArrayList<>();
    if (notFinished > 0) {
      notes.add(notFinished + " rows excluded: status other than finished");
    }
    if (nonFinite > 0) {
      notes.add(nonFinite + " rows excluded: non-finite loss");
    }
    if (!dropped.isEmpty()) {
      notes.add(
          dropped.size()
              + " invalid rows dropped (--drop-invalid): rows "
              + String.join(", ", dropped.subList(0, Math.min(20, dropped.size())))
              + (dropped.size() > 20 ? ", ..." : ""));
    }
    if (rows.isEmpty()) {
      throw SpecException.of(
          "--input", "no usable rows in " + input + (notes.isEmpty() ? "" : ": " + notes));
    }
    if (ic >= 0 && (in < 0 || id < 0)) {
      notes.add(
          (in < 0 ? "N" : "D")
              + " derived from the compute column "
              + computeCol
              + " as "
              + (in < 0 ? "N = C/(6D)" : "D = C/(6N)"));
    }
    return new InputTable(rows, notes, compute);
  }

  private static String cell(String[] c, int i) {
    return i < c.length ? c[i] : null;
  }

  /** A column that may be absent (-1) when {@code optional} and not asked for by name. */
  private static int optionalColumn(
      List<String> header,
      String asked,
      String first,
      String second,
      String option,
      String input,
      boolean optional) {
    if (optional && asked == null && !header.contains(first) && !header.contains(second)) {
      return -1;
    }
    return column(header, asked, first, second, option, input);
  }

  private static int column(
      List<String> header, String asked, String first, String second, String option, String input) {
    if (asked != null) {
      int i = header.indexOf(asked);
      if (i < 0) {
        throw new SpecException(
            option, "a column of " + input + " (columns are " + header + ")", asked);
      }
      return i;
    }
    int i = header.indexOf(first);
    if (i < 0) {
      i = header.indexOf(second);
    }
    if (i < 0) {
      throw SpecException.of(
          option,
          String.format(
              Locale.ROOT,
              "neither column %s nor %s found in %s; columns are %s (choose one with %s)",
              first,
              second,
              input,
              header,
              option));
    }
    return i;
  }

  /** A Hadoop path for {@code input}: a URI with a scheme as it is, anything else a local path. */
  static Path toPath(String input) {
    SpecException.require(input != null && !input.isBlank(), "--input", "a path or URI", input);
    URI uri;
    try {
      uri = new URI(input);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri != null && uri.getScheme() != null && uri.getScheme().length() > 1) {
      return new Path(uri);
    }
    return new Path(new File(input).getAbsoluteFile().toURI());
  }

  private static void readParquet(InputFile file, List<String> header, List<String[]> cells)
      throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(file)) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      List<String> names = schema.getFields().stream().map(Type::getName).toList();
      if (header.isEmpty()) {
        header.addAll(names);
      }
      forEachRecord(
          reader,
          schema,
          g -> {
            String[] row = new String[header.size()];
            for (int k = 0; k < header.size(); k++) {
              int f = names.indexOf(header.get(k));
              if (f < 0 || g.getFieldRepetitionCount(f) == 0 || !schema.getType(f).isPrimitive()) {
                continue;
              }
              PrimitiveType t = schema.getType(f).asPrimitiveType();
              row[k] =
                  switch (t.getPrimitiveTypeName()) {
                    case INT32 -> Integer.toString(g.getInteger(f, 0));
                    case INT64 -> Long.toString(g.getLong(f, 0));
                    case FLOAT -> Float.toString(g.getFloat(f, 0));
                    case DOUBLE -> Double.toString(g.getDouble(f, 0));
                    case BINARY -> g.getString(f, 0);
                    default -> g.getValueToString(f, 0);
                  };
            }
            cells.add(row);
          });
    }
  }

  /**
   * Calls {@code row} with every record of an open Parquet file, row group by row group, as the
   * example {@link Group} model reads them.
   */
  static void forEachRecord(ParquetFileReader reader, MessageType schema, Consumer<Group> row)
      throws IOException {
    PageReadStore pages;
    while ((pages = reader.readNextRowGroup()) != null) {
      RecordReader<Group> rr =
          new ColumnIOFactory()
              .getColumnIO(schema)
              .getRecordReader(pages, new GroupRecordConverter(schema));
      for (long i = 0; i < pages.getRowCount(); i++) {
        row.accept(rr.read());
      }
    }
  }
}
