package dev.scaling.driver.fit;

import dev.scaling.common.curve.Curve;
import dev.scaling.common.spec.SpecException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/**
 * Reads a curves table into {@link Curve}s: a CSV file or Parquet (file or folder of part files) on
 * any Hadoop file system with columns run, step, lr and loss (each renamable), one row per logged
 * or unlogged step, loss empty where not logged; or a sweep's own {@code OUT/curves} (given as OUT
 * or OUT/curves), whose runs are trial ids, whose loss is eval_loss unless renamed, and whose
 * branches are completed with their trunk's rows before the fork.
 *
 * <p>Every rule is checked here, before any fitting, and a broken one is a {@link SpecException}
 * naming the row, the column, the run and the rule: a missing column, an empty run, a step that is
 * not a whole number >= 0, a learning rate that is not finite and >= 0, a loss that is neither
 * empty nor finite and > 0, steps that do not increase within a run (in file order for a plain
 * table; a sweep's rows are sorted by step and may only not repeat one).
 */
public final class CurvesTableReader {
  /** The option every message about the table names. */
  static final String OPTION = "--curves";

  private CurvesTableReader() {}

  /**
   * Column names asked for on the command line; null means the default (run, step, lr, loss; for a
   * sweep's table trial_id and eval_loss).
   */
  public record Columns(String run, String step, String lr, String loss) {
    /** Every column by its default name. */
    public static Columns defaults() {
      return new Columns(null, null, null, null);
    }
  }

  /** One parsed row, with where it came from. */
  private record Row(int index, String run, long step, double lr, double loss, String trunk) {}

  /**
   * Reads {@code input}: a local path or Hadoop URI of a curves table, or of a sweep's output
   * folder OUT (read as OUT/curves).
   */
  public static CurvesTable read(String input, Configuration hadoop, Columns asked) {
    String source = resolve(input, hadoop);
    TableReader.RawTable raw = TableReader.readRaw(source, hadoop, OPTION);
    List<String> header = raw.header();
    boolean sweep =
        (asked.run() == null || asked.run().equals("trial_id"))
            && header.contains("trial_id")
            && !header.contains("run");
    int ir = column(header, asked.run(), sweep ? "trial_id" : "run", "--run-col", source);
    int is = column(header, asked.step(), "step", "--step-col", source);
    int il = column(header, asked.lr(), "lr", "--lr-col", source);
    int iloss = column(header, asked.loss(), sweep ? "eval_loss" : "loss", "--loss-col", source);
    int it = sweep ? header.indexOf("trunk_id") : -1;
    if (raw.cells().isEmpty()) {
      throw SpecException.of(OPTION, source + " has a header but no rows");
    }
    Map<String, List<Row>> byRun = new LinkedHashMap<>();
    Map<String, String> trunkOf = new HashMap<>();
    for (int r = 0; r < raw.cells().size(); r++) {
      String[] c = raw.cells().get(r);
      String run = trimmed(TableReader.cell(c, ir));
      if (run == null) {
        throw bad(raw, r, source, header.get(ir), "a run name (not empty)", null, null);
      }
      long step = step(raw, r, source, header.get(is), TableReader.cell(c, is), run);
      String lrText = trimmed(TableReader.cell(c, il));
      double lr = number(lrText);
      if (!(lr >= 0) || Double.isInfinite(lr)) {
        throw bad(raw, r, source, header.get(il), "a finite number >= 0", lrText, run);
      }
      String lossText = trimmed(TableReader.cell(c, iloss));
      double loss = lossText == null ? Double.NaN : number(lossText);
      if (lossText != null && !(loss > 0 && Double.isFinite(loss))) {
        throw bad(
            raw,
            r,
            source,
            header.get(iloss),
            "empty (not logged) or a finite number > 0",
            lossText,
            run);
      }
      String trunk = it < 0 ? null : trimmed(TableReader.cell(c, it));
      if (trunk != null) {
        trunkOf.putIfAbsent(run, trunk);
      }
      List<Row> rows = byRun.computeIfAbsent(run, k -> new ArrayList<>());
      Row row = new Row(r, run, step, lr, loss, trunk);
      if (sweep) {
        rows.add(row);
        continue;
      }
      if (!rows.isEmpty() && rows.get(rows.size() - 1).step() >= step) {
        Row prev = rows.get(rows.size() - 1);
        throw SpecException.of(
            OPTION,
            where(raw, r, source)
                + ": column "
                + TableReader.printable(header.get(is), 40)
                + " must be strictly increasing within run "
                + TableReader.printable(run, 60)
                + ", found "
                + step
                + " after "
                + prev.step()
                + " at "
                + where(raw, prev.index(), source));
      }
      rows.add(row);
    }
    List<String> notes = new ArrayList<>();
    List<Curve> curves = new ArrayList<>();
    for (Map.Entry<String, List<Row>> e : byRun.entrySet()) {
      List<Row> own = e.getValue();
      if (sweep) {
        own.sort(Comparator.comparingLong(Row::step));
        for (int k = 1; k < own.size(); k++) {
          if (own.get(k).step() == own.get(k - 1).step()) {
            throw SpecException.of(
                OPTION,
                source
                    + ": column "
                    + header.get(is)
                    + " must not repeat within run "
                    + TableReader.printable(e.getKey(), 60)
                    + ", found step "
                    + own.get(k).step()
                    + " at "
                    + where(raw, own.get(k - 1).index(), source)
                    + " and "
                    + where(raw, own.get(k).index(), source));
          }
        }
      }
      List<Row> rows = new ArrayList<>();
      String trunk = trunkOf.get(e.getKey());
      if (sweep && trunk != null && !trunk.equals(e.getKey())) {
        List<Row> trunkRows = byRun.get(trunk);
        long first = own.get(0).step();
        if (trunkRows == null) {
          notes.add(
              String.format(
                  Locale.ROOT,
                  "branch %s: its trunk %s has no rows in %s, so its curve starts at its own first"
                      + " step %d (without the trunk's warmup and constant phase)",
                  e.getKey(),
                  trunk,
                  source,
                  first));
        } else {
          for (Row t : trunkRows) {
            if (t.step() < first) {
              rows.add(t);
            }
          }
        }
      }
      rows.addAll(own);
      long[] steps = new long[rows.size()];
      double[] lr = new double[rows.size()];
      double[] loss = new double[rows.size()];
      for (int k = 0; k < rows.size(); k++) {
        steps[k] = rows.get(k).step();
        lr[k] = rows.get(k).lr();
        loss[k] = rows.get(k).loss();
      }
      curves.add(new Curve(e.getKey(), steps, lr, loss));
    }
    return new CurvesTable(
        source,
        sweep ? CurvesTable.Layout.SWEEP : CurvesTable.Layout.TABLE,
        header.get(iloss),
        curves,
        notes);
  }

  /**
   * {@code input} itself, or {@code input/curves} when {@code input} is a folder holding a {@code
   * curves} folder (a sweep's OUT). A path that cannot be looked at is returned as it is, for the
   * table reader to report.
   */
  static String resolve(String input, Configuration hadoop) {
    Path p = TableReader.toPath(input, OPTION);
    try {
      FileSystem fs = p.getFileSystem(hadoop);
      FileStatus status = fs.getFileStatus(p);
      Path curves = new Path(p, "curves");
      if (status.isDirectory() && fs.exists(curves) && fs.getFileStatus(curves).isDirectory()) {
        return input.replaceAll("/+$", "") + "/curves";
      }
      return input;
    } catch (UnsupportedFileSystemException | FileNotFoundException e) {
      return input;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + input, e);
    }
  }

  private static int column(
      List<String> header, String asked, String standard, String option, String source) {
    if (asked != null) {
      int i = header.indexOf(asked);
      if (i < 0) {
        throw new SpecException(
            option,
            "a column of " + source + " (columns are " + TableReader.shown(header) + ")",
            asked);
      }
      return i;
    }
    int i = header.indexOf(standard);
    if (i < 0) {
      throw SpecException.of(
          option,
          String.format(
              Locale.ROOT,
              "no column %s in %s; columns are %s (name the column with %s)",
              standard,
              source,
              TableReader.shown(header),
              option));
    }
    return i;
  }

  private static long step(
      TableReader.RawTable raw, int r, String source, String col, String text, String run) {
    String s = trimmed(text);
    String rule = "a whole number >= 0";
    if (s == null) {
      throw bad(raw, r, source, col, rule, null, run);
    }
    try {
      long v = Long.parseLong(s);
      if (v < 0) {
        throw bad(raw, r, source, col, rule, s, run);
      }
      return v;
    } catch (NumberFormatException e) {
      double v = number(s);
      if (!(v >= 0) || v > 0x1p53 || v != Math.rint(v)) {
        throw bad(raw, r, source, col, rule, s, run);
      }
      return (long) v;
    }
  }

  private static SpecException bad(
      TableReader.RawTable raw,
      int r,
      String source,
      String col,
      String rule,
      String found,
      String run) {
    return SpecException.of(
        OPTION,
        where(raw, r, source)
            + ": column "
            + TableReader.printable(col, 40)
            + " must be "
            + rule
            + ", found "
            + (found == null ? "nothing (empty)" : "\"" + TableReader.printable(found, 40) + "\"")
            + (run == null ? "" : " (run " + TableReader.printable(run, 60) + ")"));
  }

  /** "row 3 (line 4) of F" for CSV, "row 3 of F" for Parquet; rows count from 1. */
  private static String where(TableReader.RawTable raw, int r, String source) {
    return raw.parquet()
        ? "row " + (r + 1) + " of " + source
        : "row " + (r + 1) + " (line " + (r + 2) + ") of " + source;
  }

  private static String trimmed(String s) {
    if (s == null) {
      return null;
    }
    String t = s.trim();
    return t.isEmpty() ? null : t;
  }

  /** The number {@code s} holds, NaN when it holds none (null, not a number). */
  private static double number(String s) {
    if (s == null) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
