package dev.scaling.driver.fit;

import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import dev.scaling.common.fit.Quantiles;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.common.spec.SpecException;
import dev.scaling.driver.predict.PredictedBranch;
import dev.scaling.driver.predict.PredictionWeight;
import dev.scaling.driver.report.TrialPoint;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
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
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads (N, D, loss) rows from a CSV file with a header row or from Parquet (one file or a folder
 * of part files, e.g. a sweep's {@code OUT/trials}), on any Hadoop file system (local, hdfs:,
 * s3a:). Rows whose {@code status} is not {@code finished} or whose loss is not finite are excluded
 * and counted; a missing or non-positive value is an error naming the row and column unless invalid
 * rows are to be dropped.
 *
 * <p>Rows with {@code status} {@value PredictedBranch#STATUS} (a wsd sweep's predicted branches)
 * enter a fit of {@code final_eval_loss}, which holds their prediction, weighted by {@link
 * PredictionWeight} from their {@code predicted_loss_low}/{@code predicted_loss_high} interval and
 * the table's evaluation noise (the median {@code eval_loss_stderr} of its finished rows); a
 * predicted row whose trained twin (a finished row with the same {@code trial_id}) is in the table
 * is left out for it, and every predicted row is left out with {@code --exclude-predicted}, when
 * another loss column is fitted, or when the table has no interval or no evaluation noise.
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
    return read(input, hadoop, nCol, dCol, lossCol, computeCol, dropInvalid, false);
  }

  /**
   * As {@link #read(String, Configuration, String, String, String, String, boolean)}, leaving out
   * every predicted row when {@code excludePredicted} ({@code --exclude-predicted}).
   */
  public static InputTable read(
      String input,
      Configuration hadoop,
      String nCol,
      String dCol,
      String lossCol,
      String computeCol,
      boolean dropInvalid,
      boolean excludePredicted) {
    RawTable table = readRaw(input, hadoop, "--input");
    List<String> header = table.header();
    List<String[]> cells = table.cells();
    boolean parquet = table.parquet();
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
    Predicted predicted =
        Predicted.of(
            header, cells, is, it, header.get(il).equals("final_eval_loss"), excludePredicted);
    List<TrialPoint> rows = new ArrayList<>();
    int notFinished = 0;
    int nonFinite = 0;
    List<String> dropped = new ArrayList<>();
    Set<ScalingPoint> seen = new HashSet<>();
    int duplicates = 0;
    for (int r = 0; r < cells.size(); r++) {
      String[] c = cells.get(r);
      String where =
          (parquet ? "row " + (r + 1) : "row " + (r + 1) + " (line " + (r + 2) + ")")
              + " of "
              + input;
      double weight = 1.0;
      if (is >= 0 && PredictedBranch.STATUS.equalsIgnoreCase(cell(c, is))) {
        weight = predicted.weight(c);
        if (!(weight > 0)) {
          continue; // left out, counted by its reason
        }
      } else if (is >= 0 && !"finished".equalsIgnoreCase(cell(c, is))) {
        notFinished++;
        continue;
      }
      String bad = null;
      double[] v = new double[4];
      String[] raw = new String[4];
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
        raw[k] = printable(s.trim(), 40);
        try {
          v[k] = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
          bad = "column " + printable(header.get(idx[k]), 40) + " is not a number: " + raw[k];
          continue;
        }
        if (k == 2 && (Double.isNaN(v[k]) || Double.isInfinite(v[k]))) {
          bad = "nonfinite";
        } else if (!(v[k] > 0) || Double.isInfinite(v[k])) {
          bad =
              "column " + printable(header.get(idx[k]), 40) + " must be positive, found " + raw[k];
        }
      }
      if (bad == null && ic >= 0) {
        // The missing one of N and D from C = 6ND.
        v[0] = in >= 0 ? v[0] : v[3] / (6 * v[1]);
        v[1] = id >= 0 ? v[1] : v[3] / (6 * v[0]);
        if (!(v[0] > 0 && v[1] > 0 && Double.isFinite(v[0]) && Double.isFinite(v[1]))) {
          bad =
              String.format(
                  Locale.ROOT,
                  "N = %.4g and D = %.4g derived from column %s must be positive and finite",
                  v[0],
                  v[1],
                  printable(header.get(ic), 40));
        }
      }
      if (bad == null && !Double.isFinite(6 * v[0] * v[1])) {
        bad =
            String.format(
                Locale.ROOT,
                "the compute 6ND must be finite (below %.3g), found N=%s, D=%s",
                Double.MAX_VALUE,
                in >= 0 ? raw[0] : String.format(Locale.ROOT, "%.4g", v[0]),
                id >= 0 ? raw[1] : String.format(Locale.ROOT, "%.4g", v[1]));
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
        compute.add(v[3]);
      }
      ScalingPoint point = new ScalingPoint(v[0], v[1], v[2]);
      if (!seen.add(point)) {
        duplicates++;
      }
      rows.add(new TrialPoint(it >= 0 ? cell(c, it) : null, point, weight));
    }
    List<String> notes = new ArrayList<>();
    notes.addAll(predicted.notes(rows));
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
    if (duplicates > 0) {
      notes.add(
          duplicates
              + " exact duplicate rows (same N, D and loss as an earlier row): kept; the bootstrap"
              + " resamples (N, D) points with all their rows, so duplicates do not narrow the"
              + " intervals");
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

  /**
   * A table's header and cells as text, before any column is interpreted: a CSV file (first line
   * the header; empty cells null) or Parquet (a file, or a folder of {@code .parquet} part files;
   * null cells null), on any Hadoop file system.
   *
   * @param header column names, in file order
   * @param cells one array per data row, parallel to {@code header} (shorter where a CSV line is)
   * @param parquet whether the table was Parquet (rows have no line numbers)
   */
  record RawTable(List<String> header, List<String[]> cells, boolean parquet) {}

  /**
   * Reads {@code input} (a local path or Hadoop URI of a CSV file or Parquet file or folder) as
   * text; unreadable, missing or empty input is a {@link SpecException} naming {@code option}.
   */
  static RawTable readRaw(String input, Configuration hadoop, String option) {
    List<String> header;
    List<String[]> cells;
    Path path = toPath(input, option);
    boolean parquet;
    try {
      FileSystem fs;
      try {
        fs = path.getFileSystem(hadoop);
      } catch (UnsupportedFileSystemException e) {
        throw new SpecException(
            option,
            "a local path or a URI of a file system on the classpath (file:, hdfs:, s3a: with hadoop-aws)",
            input);
      }
      FileStatus status;
      try {
        status = fs.getFileStatus(path);
      } catch (FileNotFoundException e) {
        throw new SpecException(option, "an existing CSV file or Parquet file or folder", input);
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
            throw new SpecException(option, "a folder with .parquet files or a single file", input);
          }
        } else {
          files.add(path);
        }
        header = new ArrayList<>();
        cells = new ArrayList<>();
        for (Path f : files) {
          try {
            readParquet(HadoopInputFile.fromPath(f, hadoop), header, cells);
          } catch (RuntimeException | IOException e) {
            if (e instanceof IOException io && !undecodable(io)) {
              throw io;
            }
            throw SpecException.of(
                option,
                f
                    + " is not a readable Parquet file (corrupt or truncated): "
                    + printable(String.valueOf(e.getMessage()), 80));
          }
        }
      } else {
        CsvParserSettings settings = new CsvParserSettings();
        settings.setHeaderExtractionEnabled(false);
        settings.setNullValue(null);
        settings.setEmptyValue(null);
        try (Reader r = new InputStreamReader(fs.open(path), StandardCharsets.UTF_8)) {
          List<String[]> all;
          try {
            all = new CsvParser(settings).parseAll(r);
          } catch (TextParsingException e) {
            throw SpecException.of(
                option,
                input
                    + " is not a readable CSV file (line "
                    + (e.getLineIndex() + 1)
                    + " cannot be parsed as CSV)");
          }
          if (all.isEmpty()) {
            throw new SpecException(option, "a CSV file with a header row", input + " (empty)");
          }
          header = Arrays.stream(all.get(0)).map(h -> h == null ? "" : h.trim()).toList();
          if (header.stream().anyMatch(TableReader::binary)) {
            throw SpecException.of(
                option,
                input + " is not a CSV text file (its first line holds bytes that are not text)");
          }
          cells = all.subList(1, all.size());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + input, e);
    }
    return new RawTable(header, cells, parquet);
  }

  /**
   * What the table's predicted rows are worth: each one's weight, or why it is left out, decided
   * from the whole table (its finished trial ids and its evaluation noise) before the rows are
   * read.
   */
  private static final class Predicted {
    private final int low;
    private final int high;
    private final int id;
    private final Set<String> finishedIds;
    private final double noise;
    private final String leaveAll;
    private int twins;
    private int noInterval;
    private int left;

    private Predicted(
        int low, int high, int id, Set<String> finishedIds, double noise, String leaveAll) {
      this.low = low;
      this.high = high;
      this.id = id;
      this.finishedIds = finishedIds;
      this.noise = noise;
      this.leaveAll = leaveAll;
    }

    static Predicted of(
        List<String> header,
        List<String[]> cells,
        int status,
        int id,
        boolean lossIsPrediction,
        boolean exclude) {
      int low = header.indexOf("predicted_loss_low");
      int high = header.indexOf("predicted_loss_high");
      int stderr = header.indexOf(MEASURED_NOISE);
      Set<String> finished = new HashSet<>();
      List<Double> noise = new ArrayList<>();
      for (String[] c : cells) {
        if (status >= 0 && "finished".equalsIgnoreCase(cell(c, status))) {
          if (id >= 0 && cell(c, id) != null) {
            finished.add(cell(c, id));
          }
          double e = stderr >= 0 ? number(cell(c, stderr)) : Double.NaN;
          if (e > 0 && Double.isFinite(e)) {
            noise.add(e);
          }
        }
      }
      double sigma =
          noise.isEmpty()
              ? Double.NaN
              : Quantiles.median(noise.stream().mapToDouble(Double::doubleValue).toArray());
      String leaveAll =
          exclude
              ? "--exclude-predicted"
              : !lossIsPrediction
                  ? "they hold a prediction only in final_eval_loss"
                  : low < 0 || high < 0
                      ? "the table has no predicted_loss_low/high columns"
                      : !(sigma > 0)
                          ? "no finished row has an " + MEASURED_NOISE + " to weigh them against"
                          : null;
      return new Predicted(low, high, id, finished, sigma, leaveAll);
    }

    /** The weight of predicted row {@code c}, or 0 when it is left out (and counted). */
    double weight(String[] c) {
      if (leaveAll != null) {
        left++;
        return 0;
      }
      if (id >= 0 && finishedIds.contains(cell(c, id))) {
        twins++;
        return 0;
      }
      double w = PredictionWeight.of(number(cell(c, low)), number(cell(c, high)), noise);
      if (!(w > 0)) {
        noInterval++;
        return 0;
      }
      return w;
    }

    /** One sentence per kind of predicted row fitted or left out. */
    List<String> notes(List<TrialPoint> rows) {
      List<String> notes = new ArrayList<>();
      double[] w =
          rows.stream().filter(TrialPoint::weighted).mapToDouble(TrialPoint::weight).toArray();
      long fitted = rows.stream().filter(TrialPoint::weighted).count();
      if (fitted > 0) {
        notes.add(
            String.format(
                Locale.ROOT,
                "%d predicted rows (status predicted) fitted with weight min(1, (sigma_eval /"
                    + " sigma_pred)^2), sigma_pred from each 95%% interval and sigma_eval = %.3g"
                    + " (median %s of the finished rows): weights %.3g to %.3g;"
                    + " --exclude-predicted leaves them out",
                fitted,
                noise,
                MEASURED_NOISE,
                Arrays.stream(w).min().orElse(1),
                Arrays.stream(w).max().orElse(1)));
      }
      if (left > 0) {
        notes.add(left + " predicted rows excluded: " + leaveAll);
      }
      if (twins > 0) {
        notes.add(
            twins
                + " predicted rows left out for their trained twins (finished rows with the same"
                + " trial_id, fitted instead)");
      }
      if (noInterval > 0) {
        notes.add(noInterval + " predicted rows excluded: no usable prediction interval");
      }
      return notes;
    }
  }

  /** The evaluation-noise column of a sweep's trials table. */
  private static final String MEASURED_NOISE = "eval_loss_stderr";

  /** A cell as a number, NaN when missing or not a number. */
  private static double number(String s) {
    if (s == null || s.isBlank()) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  static String cell(String[] c, int i) {
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

  static int column(
      List<String> header, String asked, String first, String second, String option, String input) {
    if (asked != null) {
      int i = header.indexOf(asked);
      if (i < 0) {
        throw new SpecException(
            option, "a column of " + input + " (columns are " + shown(header) + ")", asked);
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
              shown(header),
              option));
    }
    return i;
  }

  /** The header as a message shows it: at most 12 names, each printable and short. */
  static String shown(List<String> header) {
    List<String> names =
        header.stream().limit(12).map(h -> printable(h, 40)).collect(Collectors.toList());
    if (header.size() > 12) {
      names.add("... " + (header.size() - 12) + " more");
    }
    return names.toString();
  }

  /**
   * {@code s} as an error message may echo it: printable ASCII only (anything else as '?'), at most
   * {@code max} characters (then "...").
   */
  static String printable(String s, int max) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < max; i++) {
      char ch = s.charAt(i);
      b.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
    }
    return s.length() > max ? b + "..." : b.toString();
  }

  /** Whether a header cell holds bytes no text file has: control characters or invalid UTF-8. */
  private static boolean binary(String h) {
    return h.chars().anyMatch(ch -> ch == 0xFFFD || (Character.isISOControl(ch) && ch != '\t'));
  }

  /** Whether an I/O error reading Parquet is the file's content (not the file system failing). */
  private static boolean undecodable(IOException e) {
    return e instanceof java.io.EOFException
        || (e.getCause() != null && !(e.getCause() instanceof IOException))
        || String.valueOf(e.getMessage()).contains("Parquet");
  }

  /** A Hadoop path for {@code input}: a URI with a scheme as it is, anything else a local path. */
  static Path toPath(String input) {
    return toPath(input, "--input");
  }

  /** As {@link #toPath(String)}, naming {@code option} when {@code input} is blank. */
  static Path toPath(String input, String option) {
    SpecException.require(input != null && !input.isBlank(), option, "a path or URI", input);
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
              if (t.getLogicalTypeAnnotation()
                  instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation dec) {
                // A DECIMAL holds its unscaled value; e.g. DuckDB writes 3.8 as INT32 38, scale 1.
                BigInteger unscaled =
                    switch (t.getPrimitiveTypeName()) {
                      case INT32 -> BigInteger.valueOf(g.getInteger(f, 0));
                      case INT64 -> BigInteger.valueOf(g.getLong(f, 0));
                      default -> new BigInteger(g.getBinary(f, 0).getBytes());
                    };
                row[k] = new BigDecimal(unscaled, dec.getScale()).toString();
                continue;
              }
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
