package dev.scaling.driver.fit;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.SpecException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * A steps-to-target table as {@code ./sweep fit --form batch} reads it: one row per run, naming its
 * group (model), the target loss, the batch size and the optimizer steps that first reached the
 * target, optionally the group's parameter count N. Read from CSV or Parquet by column name through
 * {@link TableReader}'s raw reader; every value is checked (positive and finite) with the row and
 * column named.
 *
 * @param source the input as given
 * @param columns the column names read (defaults filled in)
 * @param rows the rows, in file order
 */
public record StepsTable(String source, Columns columns, List<Row> rows) {
  /** The group of every row when the table has no group column. */
  public static final String ALL = "all";

  public StepsTable {
    InvariantViolation.check(
        source != null && columns != null && rows != null, "a steps table needs its parts");
    rows = List.copyOf(rows);
  }

  /**
   * One run.
   *
   * @param group its group ({@link #ALL} without a group column)
   * @param target the target loss
   * @param batch the batch size (the unit of the batch column, e.g. tokens)
   * @param steps optimizer steps to the target
   * @param n the group's parameter count, null without an N column
   */
  public record Row(String group, double target, double batch, double steps, Double n) {}

  /**
   * The columns to read; null means the default ({@code batch_tokens}, {@code steps}, {@code
   * target_loss}; no group and no N column).
   *
   * @param group the group column, or null for one group {@link #ALL}
   * @param batch the batch-size column
   * @param steps the steps column
   * @param target the target-loss column
   * @param n the parameters-per-group column, or null
   */
  public record Columns(String group, String batch, String steps, String target, String n) {
    public Columns {
      batch = batch == null ? "batch_tokens" : batch;
      steps = steps == null ? "steps" : steps;
      target = target == null ? "target_loss" : target;
    }
  }

  /**
   * Reads {@code input} (a local path or Hadoop URI of a CSV file or Parquet file or folder).
   *
   * @throws SpecException naming the option of a missing column, or the row and column of a value
   *     that is missing, not a number, not positive or not finite, or a group whose N differs
   *     between rows
   */
  public static StepsTable read(String input, Configuration hadoop, Columns columns) {
    TableReader.RawTable raw = TableReader.readRaw(input, hadoop, "--input");
    List<String> header = raw.header();
    int ig = columns.group() == null ? -1 : column(header, columns.group(), "--group-col", input);
    int ib = column(header, columns.batch(), "--batch-col", input);
    int is = column(header, columns.steps(), "--steps-col", input);
    int it = column(header, columns.target(), "--target-col", input);
    int in = columns.n() == null ? -1 : column(header, columns.n(), "--n-col", input);
    List<Row> rows = new ArrayList<>();
    Map<String, Double> nOf = new HashMap<>();
    for (int r = 0; r < raw.cells().size(); r++) {
      String[] c = raw.cells().get(r);
      String where =
          (raw.parquet() ? "row " + (r + 1) : "row " + (r + 1) + " (line " + (r + 2) + ")")
              + " of "
              + input;
      String group = ALL;
      if (ig >= 0) {
        String g = TableReader.cell(c, ig);
        if (g == null || g.isBlank()) {
          throw new SpecException(
              where + ": column " + header.get(ig), "a group name (not empty)", null);
        }
        group = g.trim();
      }
      double target = number(c, it, header, where);
      double batch = number(c, ib, header, where);
      double steps = number(c, is, header, where);
      Double n = in >= 0 ? number(c, in, header, where) : null;
      if (n != null) {
        Double earlier = nOf.putIfAbsent(group, n);
        if (earlier != null && !earlier.equals(n)) {
          throw new SpecException(
              where + ": column " + header.get(in),
              String.format(
                  Locale.ROOT,
                  "the same for every row of group %s (an earlier row has %s)",
                  TableReader.printable(group, 40),
                  earlier),
              n);
        }
      }
      rows.add(new Row(group, target, batch, steps, n));
    }
    if (rows.isEmpty()) {
      throw SpecException.of("--input", input + " has no rows");
    }
    return new StepsTable(input, columns, rows);
  }

  private static int column(List<String> header, String name, String option, String input) {
    int i = header.indexOf(name);
    if (i < 0) {
      throw new SpecException(
          option,
          "a column of " + input + " (columns are " + TableReader.shown(header) + ")",
          name);
    }
    return i;
  }

  /** The cell as a positive finite number, else a SpecException naming the row and column. */
  private static double number(String[] c, int i, List<String> header, String where) {
    String s = TableReader.cell(c, i);
    String field = where + ": column " + TableReader.printable(header.get(i), 40);
    if (s == null || s.isBlank()) {
      throw new SpecException(field, "positive and finite", null);
    }
    double v;
    try {
      v = Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw new SpecException(field, "a number", TableReader.printable(s.trim(), 40));
    }
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new SpecException(field, "positive and finite", TableReader.printable(s.trim(), 40));
    }
    return v;
  }
}
