package dev.scaling.driver.fit;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.driver.report.TrialPoint;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads (N, D, loss) rows from a CSV file with a header row or from Parquet (one file or a folder of
 * part files, e.g. a sweep's {@code OUT/trials}). Rows whose {@code status} is not {@code finished}
 * or whose loss is not finite are excluded and counted; a missing or non-positive value is an error
 * naming the row and column unless invalid rows are to be dropped.
 */
public final class TableReader {
  private TableReader() {}

  /** Reads {@code input}; null column names mean the defaults (n_params/N, tokens/D, final_eval_loss/loss). */
  public static InputTable read(Path input, String nCol, String dCol, String lossCol, boolean dropInvalid) {
    List<String> header;
    List<String[]> cells;
    boolean parquet = Files.isDirectory(input) || input.toString().endsWith(".parquet");
    try {
      if (parquet) {
        List<Path> files;
        if (Files.isDirectory(input)) {
          try (Stream<Path> s = Files.list(input)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
          }
          if (files.isEmpty()) {
            throw new IllegalArgumentException("no .parquet files in folder " + input);
          }
        } else {
          files = List.of(input);
        }
        header = new ArrayList<>();
        cells = new ArrayList<>();
        for (Path f : files) {
          readParquet(f, header, cells);
        }
      } else {
        CsvParserSettings settings = new CsvParserSettings();
        settings.setHeaderExtractionEnabled(false);
        settings.setNullValue(null);
        settings.setEmptyValue(null);
        try (Reader r = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
          List<String[]> all = new CsvParser(settings).parseAll(r);
          if (all.isEmpty()) {
            throw new IllegalArgumentException("CSV " + input + " is empty: a header row is needed");
          }
          header = Arrays.stream(all.get(0)).map(h -> h == null ? "" : h.trim()).toList();
          cells = all.subList(1, all.size());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + input, e);
    }
    int in = column(header, nCol, "n_params", "N", input);
    int id = column(header, dCol, "tokens", "D", input);
    int il = column(header, lossCol, "final_eval_loss", "loss", input);
    int is = header.indexOf("status");
    int it = header.indexOf("trial_id");
    List<TrialPoint> rows = new ArrayList<>();
    int notFinished = 0;
    int nonFinite = 0;
    List<String> dropped = new ArrayList<>();
    for (int r = 0; r < cells.size(); r++) {
      String[] c = cells.get(r);
      String where = (parquet ? "row " + (r + 1) : "row " + (r + 1) + " (line " + (r + 2) + ")") + " of " + input;
      if (is >= 0 && !"finished".equalsIgnoreCase(cell(c, is))) {
        notFinished++;
        continue;
      }
      String bad = null;
      double[] v = new double[3];
      int[] idx = {in, id, il};
      for (int k = 0; k < 3 && bad == null; k++) {
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
          throw new IllegalArgumentException(where + ": " + bad + " (use --drop-invalid to skip such rows)");
        }
        dropped.add((r + 1) + "");
        continue;
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
      notes.add(dropped.size() + " invalid rows dropped (--drop-invalid): rows "
          + String.join(", ", dropped.subList(0, Math.min(20, dropped.size())))
          + (dropped.size() > 20 ? ", ..." : ""));
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no usable rows in " + input + (notes.isEmpty() ? "" : ": " + notes));
    }
    return new InputTable(rows, notes);
  }

  private static String cell(String[] c, int i) {
    return i < c.length ? c[i] : null;
  }

  private static int column(List<String> header, String asked, String first, String second, Path input) {
    if (asked != null) {
      int i = header.indexOf(asked);
      if (i < 0) {
        throw new IllegalArgumentException("column " + asked + " not found in " + input + "; columns are " + header);
      }
      return i;
    }
    int i = header.indexOf(first);
    if (i < 0) {
      i = header.indexOf(second);
    }
    if (i < 0) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "neither column %s nor %s found in %s; columns are %s (choose with --n-col/--d-col/--loss-col)",
          first, second, input, header));
    }
    return i;
  }

  private static void readParquet(Path file, List<String> header, List<String[]> cells) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      List<String> names = schema.getFields().stream().map(Type::getName).toList();
      if (header.isEmpty()) {
        header.addAll(names);
      }
      PageReadStore pages;
      while ((pages = reader.readNextRowGroup()) != null) {
        RecordReader<Group> rr = new ColumnIOFactory().getColumnIO(schema)
            .getRecordReader(pages, new GroupRecordConverter(schema));
        for (long i = 0; i < pages.getRowCount(); i++) {
          Group g = rr.read();
          String[] row = new String[header.size()];
          for (int k = 0; k < header.size(); k++) {
            int f = names.indexOf(header.get(k));
            if (f < 0 || g.getFieldRepetitionCount(f) == 0 || !schema.getType(f).isPrimitive()) {
              continue;
            }
            PrimitiveType t = schema.getType(f).asPrimitiveType();
            row[k] = switch (t.getPrimitiveTypeName()) {
              case INT32 -> Integer.toString(g.getInteger(f, 0));
              case INT64 -> Long.toString(g.getLong(f, 0));
              case FLOAT -> Float.toString(g.getFloat(f, 0));
              case DOUBLE -> Double.toString(g.getDouble(f, 0));
              case BINARY -> g.getString(f, 0);
              default -> g.getValueToString(f, 0);
            };
          }
          cells.add(row);
        }
      }
    }
  }
}
