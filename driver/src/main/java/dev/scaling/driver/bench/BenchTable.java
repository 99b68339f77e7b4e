package dev.scaling.driver.bench;

import dev.scaling.driver.bench.BenchReport.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The bench's output, shared by its sections: the table printed at the end (columns padded, then
 * the notes) and the same rows as CSV, and the one number format every cell uses.
 */
final class BenchTable {
  private BenchTable() {}

  /** The CSV header; the columns of {@link Row} in order. */
  static final String CSV_HEADER = "section,case,ours,reference,ratio,target,verdict,note";

  /** Writes the rows as CSV to {@code file}, creating its folder. */
  static void writeCsv(List<Row> rows, Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, toCsv(rows), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  static String toCsv(List<Row> rows) {
    StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
    for (Row r : rows) {
      sb.append(
              String.join(
                  ",",
                  csv(r.section()),
                  csv(r.item()),
                  csv(r.ours()),
                  csv(r.reference()),
                  csv(r.ratio()),
                  csv(r.target()),
                  csv(r.verdict()),
                  csv(r.note())))
          .append('\n');
    }
    return sb.toString();
  }

  private static String csv(String s) {
    if (s == null) {
      return "";
    }
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }

  /** The rows as an aligned text table followed by each row's note. */
  static String toTable(List<Row> rows) {
    String[] head = {"section", "case", "ours", "reference", "ratio", "target", "verdict"};
    int[] w = new int[head.length];
    for (int i = 0; i < head.length; i++) {
      w[i] = head[i].length();
    }
    for (Row r : rows) {
      String[] c = cells(r);
      for (int i = 0; i < c.length; i++) {
        w[i] = Math.max(w[i], c[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    appendLine(sb, head, w);
    for (Row r : rows) {
      appendLine(sb, cells(r), w);
    }
    sb.append("notes:\n");
    for (Row r : rows) {
      if (r.note() != null && !r.note().isEmpty()) {
        sb.append("  [")
            .append(r.section())
            .append("] ")
            .append(r.item())
            .append(": ")
            .append(r.note())
            .append('\n');
      }
    }
    return sb.toString();
  }

  private static String[] cells(Row r) {
    return new String[] {
      r.section(), r.item(), r.ours(), r.reference(), r.ratio(), r.target(), r.verdict()
    };
  }

  private static void appendLine(StringBuilder sb, String[] c, int[] w) {
    for (int i = 0; i < c.length; i++) {
      sb.append(String.format(Locale.ROOT, "%-" + w[i] + "s", c[i]));
      sb.append(i + 1 < c.length ? "  " : "\n");
    }
  }

  /** A cell's number: 3 significant-ish digits ("n/a" for NaN). */
  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    return String.format(
        Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
  }
}
