package dev.scaling.driver.fit;

import dev.scaling.common.hparams.HparamsRun;
import dev.scaling.common.spec.SpecException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads the runs of a learning-rate x batch-size grid for {@code ./sweep fit --form hparams}: CSV
 * or Parquet through {@link TableReader}'s raw reading, with the columns N, D, learning rate, batch
 * tokens, loss and an optional smoothed loss (defaults: a sweep's trials-table names {@code
 * n_params}, {@code tokens}, {@code learning_rate}, {@code batch_tokens}, {@code final_eval_loss},
 * else {@code N}, {@code D}, {@code lr}, {@code batch}, {@code loss}; {@code smooth_loss} when
 * present). Rows whose {@code status} is not {@code finished}, or whose loss is not finite (a
 * diverged run), are left out and counted; a missing, non-numeric or non-positive value is an error
 * naming the row and the column.
 */
final class HparamsTableReader {
  private HparamsTableReader() {}

  /** The column names asked for on the command line; null means the default. */
  record Asked(String n, String d, String lr, String batch, String loss, String smooth) {}

  /**
   * The table's runs, the columns they were read from, and sentences about the rows left out.
   *
   * @param runs the finished runs, in table order
   */
  record HparamsTable(List<HparamsRun> runs, HparamsRun.Columns columns, List<String> notes) {}

  static HparamsTable read(String input, Configuration hadoop, Asked asked) {
    TableReader.RawTable table = TableReader.readRaw(input, hadoop, "--input");
    List<String> header = table.header();
    int in = TableReader.column(header, asked.n(), "n_params", "N", "--n-col", input);
    int id = TableReader.column(header, asked.d(), "tokens", "D", "--d-col", input);
    int ilr = TableReader.column(header, asked.lr(), "learning_rate", "lr", "--lr-col", input);
    int ib =
        TableReader.column(header, asked.batch(), "batch_tokens", "batch", "--batch-col", input);
    int il =
        TableReader.column(header, asked.loss(), "final_eval_loss", "loss", "--loss-col", input);
    int is =
        asked.smooth() != null
            ? TableReader.column(header, asked.smooth(), null, null, "--smooth-col", input)
            : header.indexOf("smooth_loss");
    int status = header.indexOf("status");
    int trial = header.indexOf("trial_id");
    HparamsRun.Columns columns =
        new HparamsRun.Columns(
            name(header, in),
            name(header, id),
            name(header, ilr),
            name(header, ib),
            name(header, il),
            is < 0 ? null : name(header, is));
    List<HparamsRun> runs = new ArrayList<>();
    int notFinished = 0;
    int nonFinite = 0;
    for (int r = 0; r < table.cells().size(); r++) {
      String[] c = table.cells().get(r);
      if (status >= 0 && !"finished".equalsIgnoreCase(TableReader.cell(c, status))) {
        notFinished++;
        continue;
      }
      String where =
          (table.parquet() ? "row " + (r + 1) : "row " + (r + 1) + " (line " + (r + 2) + ")")
              + " of "
              + input;
      double loss = number(c, il, header, where);
      Double smooth = is < 0 ? null : number(c, is, header, where);
      if (Double.isNaN(loss)
          || Double.isInfinite(loss)
          || (smooth != null && (smooth.isNaN() || smooth.isInfinite()))) {
        nonFinite++;
        continue;
      }
      String trialId = trial < 0 ? null : TableReader.cell(c, trial);
      runs.add(
          HparamsRun.builder(columns)
              .where(where)
              .id(trialId != null && !trialId.isBlank() ? trialId : "row " + (r + 1))
              .n(number(c, in, header, where))
              .d(number(c, id, header, where))
              .lr(number(c, ilr, header, where))
              .batchTokens(number(c, ib, header, where))
              .loss(loss)
              .smoothLoss(smooth)
              .build());
    }
    List<String> notes = new ArrayList<>();
    if (notFinished > 0) {
      notes.add(notFinished + " rows excluded: status other than finished");
    }
    if (nonFinite > 0) {
      notes.add(nonFinite + " rows excluded: non-finite loss (diverged runs)");
    }
    if (is >= 0) {
      notes.add("runs ranked by their smoothed loss, column " + columns.smooth());
    }
    if (runs.isEmpty()) {
      throw SpecException.of(
          "--input", "no usable rows in " + input + (notes.isEmpty() ? "" : ": " + notes));
    }
    return new HparamsTable(runs, columns, notes);
  }

  private static String name(List<String> header, int i) {
    return TableReader.printable(header.get(i), 40);
  }

  /** The cell as a number (NaN and infinities as written); missing or not a number is an error. */
  private static double number(String[] c, int i, List<String> header, String where) {
    String s = TableReader.cell(c, i);
    String column = TableReader.printable(header.get(i), 40);
    if (s == null || s.isBlank()) {
      throw SpecException.of(where, "column " + column + " is missing");
    }
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw SpecException.of(
          where, "column " + column + " is not a number: " + TableReader.printable(s.trim(), 40));
    }
  }
}
