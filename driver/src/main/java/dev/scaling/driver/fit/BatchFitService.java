package dev.scaling.driver.fit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaling.common.batch.BatchFitOptions;
import dev.scaling.common.batch.BcritLaw;
import dev.scaling.common.batch.BcritLawFit;
import dev.scaling.common.batch.CriticalBatch;
import dev.scaling.common.batch.CriticalBatchFitter;
import dev.scaling.common.batch.KaplanSFit;
import dev.scaling.common.batch.KaplanSLaw;
import dev.scaling.common.batch.KaplanSPoint;
import dev.scaling.common.batch.StepsPoint;
import dev.scaling.common.fit.Interval;
import dev.scaling.common.spec.SpecException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The work of {@code ./sweep fit --form batch}: checks a steps-to-target table (every (group,
 * target) with at least 3 batch sizes, every --targets value one of the table's), fits S = S_min +
 * E_min / B per (group, target), B_crit(L) across targets and L(N, S_min) where N is known, and
 * only then writes {@code OUT/fits/part-00000.parquet} (forms {@value #BATCH}, {@value #BCRIT_LAW},
 * {@value #KAPLAN_S}).
 */
public final class BatchFitService {
  /** The fits-table form of a (group, target) fit: parameters S_min, E_min, B_crit. */
  public static final String BATCH = "batch";

  /** The fits-table form of B_crit(L) = B_* / L^(1/alpha_B): parameters B_star, alpha_B. */
  public static final String BCRIT_LAW = "bcrit_law";

  /** The fits-table form of L(N, S_min): parameters N_c, alpha_N, S_c, alpha_S. */
  public static final String KAPLAN_S = "kaplan_s";

  private static final ObjectMapper JSON = new ObjectMapper();

  private BatchFitService() {}

  /**
   * Checks and fits (see {@link #analyse}), then writes the fits table under {@code outDir}; bad
   * input throws before anything is written.
   */
  public static BatchFitOutcome fitAndWrite(BatchFitRequest request, Path outDir) {
    BatchAnalysis a = analyse(request);
    Path fits = FitsTable.write(rows(a), outDir.resolve("fits"));
    String summary = summary(a, request) + "fits: " + fits + "\n";
    return new BatchFitOutcome(a, fits, summary, json(a, request));
  }

  /**
   * Checks the request and fits every (group, target) and the laws across them; writes nothing.
   *
   * @throws SpecException for a --targets value the table does not have, or a (group, target) with
   *     fewer than {@value CriticalBatchFitter#MIN_BATCH_SIZES} distinct batch sizes
   */
  public static BatchAnalysis analyse(BatchFitRequest request) {
    StepsTable table = request.table();
    StepsTable.Columns cols = table.columns();
    Map<String, Map<Double, List<StepsTable.Row>>> cells = new LinkedHashMap<>();
    Set<Double> tableTargets = new LinkedHashSet<>();
    for (StepsTable.Row r : table.rows()) {
      tableTargets.add(r.target());
    }
    Set<Double> keep = new LinkedHashSet<>();
    for (double t : request.targets()) {
      Double found = null;
      for (double x : tableTargets) {
        if (Math.abs(t - x) <= 1e-9 * Math.abs(x)) {
          found = x;
        }
      }
      if (found == null) {
        throw new SpecException(
            "--targets",
            "target losses of "
                + table.source()
                + " (column "
                + cols.target()
                + " has "
                + tableTargets.stream().limit(20).map(BatchFitService::number).toList()
                + ")",
            t);
      }
      keep.add(found);
    }
    for (StepsTable.Row r : table.rows()) {
      if (keep.isEmpty() || keep.contains(r.target())) {
        cells
            .computeIfAbsent(r.group(), g -> new LinkedHashMap<>())
            .computeIfAbsent(r.target(), t -> new ArrayList<>())
            .add(r);
      }
    }
    for (var g : cells.entrySet()) {
      for (var t : g.getValue().entrySet()) {
        long sizes = t.getValue().stream().mapToDouble(StepsTable.Row::batch).distinct().count();
        if (sizes < CriticalBatchFitter.MIN_BATCH_SIZES) {
          throw SpecException.of(
              cols.batch(),
              String.format(
                  Locale.ROOT,
                  "fewer than %d batch sizes for %s at target %s: found %d",
                  CriticalBatchFitter.MIN_BATCH_SIZES,
                  cols.group() == null
                      ? "the table"
                      : cols.group() + " " + TableReader.printable(g.getKey(), 40),
                  number(t.getKey()),
                  sizes));
        }
      }
    }
    CriticalBatchFitter fitter = new CriticalBatchFitter(request.options());
    List<CriticalBatch> fits = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, Double> nOf = new LinkedHashMap<>();
    for (var g : cells.entrySet()) {
      for (var t : g.getValue().entrySet()) {
        List<StepsPoint> points =
            t.getValue().stream().map(r -> new StepsPoint(r.batch(), r.steps())).toList();
        CriticalBatch fit = fitter.fit(g.getKey(), t.getKey(), points);
        fits.add(fit);
        double lo = points.stream().mapToDouble(StepsPoint::batch).min().orElseThrow();
        double hi = points.stream().mapToDouble(StepsPoint::batch).max().orElseThrow();
        if (fit.bCrit() < lo || fit.bCrit() > hi) {
          notes.add(
              String.format(
                  Locale.ROOT,
                  "%s at target %s: B_crit %.4g lies outside the batch sizes measured [%.4g, %.4g]"
                      + " (%s), an extrapolation of the hyperbola",
                  g.getKey(),
                  number(t.getKey()),
                  fit.bCrit(),
                  lo,
                  hi,
                  fit.bCrit() > hi
                      ? "steps still fall in proportion to 1/B at the largest batch"
                      : "steps hardly fall with B even at the smallest batch"));
        }
        Double n = t.getValue().get(0).n();
        if (n != null) {
          nOf.put(g.getKey(), n);
        }
      }
    }
    List<String> notFitted = new ArrayList<>();
    List<BatchAnalysis.GroupLaw> laws = bcritLaws(cells.keySet(), fits, request, notFitted);
    KaplanSFit kaplan = null;
    if (cols.n() != null) {
      if (nOf.size() < 2) {
        notFitted.add(
            KAPLAN_S
                + ": L(N, S_min) needs 2 or more groups with N: found "
                + nOf.size()
                + (cols.group() == null ? " (give --group-col)" : ""));
      } else {
        List<KaplanSPoint> points =
            fits.stream()
                .map(f -> new KaplanSPoint(nOf.get(f.group()), f.sMin(), f.target()))
                .toList();
        try {
          kaplan = KaplanSLaw.fit(points, request.options());
        } catch (SpecException e) {
          notFitted.add(e.getMessage());
        }
      }
    }
    return new BatchAnalysis(cols.group(), cols.batch(), fits, laws, kaplan, notFitted, notes);
  }

  /**
   * B_crit(L) per group with 2 or more targets, then pooled over every group when there are 2 or
   * more groups and 2 or more distinct targets among the fits.
   */
  private static List<BatchAnalysis.GroupLaw> bcritLaws(
      Set<String> groups,
      List<CriticalBatch> fits,
      BatchFitRequest request,
      List<String> notFitted) {
    List<BatchAnalysis.GroupLaw> laws = new ArrayList<>();
    for (String g : groups) {
      List<CriticalBatch> of = fits.stream().filter(f -> f.group().equals(g)).toList();
      if (of.size() >= 2) {
        law(g, of, request.options(), laws, notFitted);
      }
    }
    long targets = fits.stream().mapToDouble(CriticalBatch::target).distinct().count();
    if (groups.size() >= 2 && targets >= 2) {
      law(null, fits, request.options(), laws, notFitted);
    }
    if (laws.isEmpty() && notFitted.isEmpty()) {
      notFitted.add(
          BCRIT_LAW
              + ": B_crit(L) needs critical batches at 2 or more target losses (in a group, or"
              + " over 2 or more groups): found "
              + targets);
    }
    return laws;
  }

  private static void law(
      String group,
      List<CriticalBatch> fits,
      BatchFitOptions options,
      List<BatchAnalysis.GroupLaw> laws,
      List<String> notFitted) {
    try {
      laws.add(new BatchAnalysis.GroupLaw(group, BcritLaw.fit(fits, options)));
    } catch (SpecException e) {
      notFitted.add(
          BCRIT_LAW + (group == null ? " (pooled)" : " of " + group) + ": " + e.getMessage());
    }
  }

  /**
   * The analysis as fits-table rows: form {@value #BATCH} (S_min, E_min, B_crit, with group and
   * target), {@value #BCRIT_LAW} (B_star, alpha_B; group null when pooled) and {@value #KAPLAN_S}
   * (N_c, alpha_N, S_c, alpha_S). Objective: half the sum of squared log residuals; delta +infinity
   * (least squares is Huber with an infinite delta).
   */
  public static List<FitsTable.Row> rows(BatchAnalysis a) {
    List<FitsTable.Row> out = new ArrayList<>();
    for (CriticalBatch f : a.fits()) {
      double obj = objective(f.nPoints(), f.rmsLogResidual());
      out.add(row(BATCH, "S_min", f.sMin(), f.sMinCi(), obj, f.nPoints(), f.group(), f.target()));
      out.add(row(BATCH, "E_min", f.eMin(), f.eMinCi(), obj, f.nPoints(), f.group(), f.target()));
      out.add(
          row(BATCH, "B_crit", f.bCrit(), f.bCritCi(), obj, f.nPoints(), f.group(), f.target()));
    }
    for (BatchAnalysis.GroupLaw g : a.bcritLaws()) {
      BcritLawFit l = g.law();
      double obj = objective(l.nPoints(), l.rmsLogResidual());
      out.add(row(BCRIT_LAW, "B_star", l.bStar(), l.bStarCi(), obj, l.nPoints(), g.group(), null));
      out.add(
          row(BCRIT_LAW, "alpha_B", l.alphaB(), l.alphaBCi(), obj, l.nPoints(), g.group(), null));
    }
    KaplanSFit k = a.kaplanS();
    if (k != null) {
      double obj = objective(k.nPoints(), k.rmsLogResidual());
      out.add(row(KAPLAN_S, "N_c", k.nC(), k.nCCi(), obj, k.nPoints(), null, null));
      out.add(row(KAPLAN_S, "alpha_N", k.alphaN(), k.alphaNCi(), obj, k.nPoints(), null, null));
      out.add(row(KAPLAN_S, "S_c", k.sC(), k.sCCi(), obj, k.nPoints(), null, null));
      out.add(row(KAPLAN_S, "alpha_S", k.alphaS(), k.alphaSCi(), obj, k.nPoints(), null, null));
    }
    return out;
  }

  private static double objective(int n, double rms) {
    return 0.5 * n * rms * rms;
  }

  private static FitsTable.Row row(
      String form,
      String parameter,
      double estimate,
      Interval ci,
      double objective,
      int nPoints,
      String group,
      Double target) {
    return new FitsTable.Row(
        form,
        null,
        parameter,
        estimate,
        ci,
        objective,
        nPoints,
        Double.POSITIVE_INFINITY,
        false,
        group,
        target);
  }

  /** The printed summary: one line per (group, target), then the laws and what was not fitted. */
  static String summary(BatchAnalysis a, BatchFitRequest request) {
    StringBuilder s = new StringBuilder();
    BatchFitOptions o = request.options();
    String ci = Math.round(o.confidence() * 100) + "% interval";
    s.append(
        String.format(
            Locale.ROOT,
            "steps to target S = S_min + E_min / B, least squares on log S, on %s: %d fits (group"
                + " column %s, batch column %s), %d bootstrap resamples%n",
            request.table().source(),
            a.fits().size(),
            a.groupColumn() == null ? "none" : a.groupColumn(),
            a.batchColumn(),
            o.bootstrap()));
    int w = Math.max(5, a.fits().stream().mapToInt(f -> f.group().length()).max().orElse(0));
    s.append(
        String.format(
            Locale.ROOT,
            "  %-" + w + "s %9s %11s %11s %11s  %-25s %8s %6s%n",
            "group",
            "target",
            "S_min",
            "E_min",
            "B_crit",
            "B_crit " + ci,
            "rms log",
            "points"));
    for (CriticalBatch f : a.fits()) {
      s.append(
          String.format(
              Locale.ROOT,
              "  %-" + w + "s %9s %11.4g %11.4g %11.4g  %-25s %8.4f %6d%n",
              f.group(),
              number(f.target()),
              f.sMin(),
              f.eMin(),
              f.bCrit(),
              interval(f.bCritCi()),
              f.rmsLogResidual(),
              f.nPoints()));
    }
    for (BatchAnalysis.GroupLaw g : a.bcritLaws()) {
      BcritLawFit l = g.law();
      s.append(
          String.format(
              Locale.ROOT,
              "%s %s: B_crit(L) = B_* / L^(1/alpha_B), B_* = %.4g %s, alpha_B = %.4g %s, %d"
                  + " points, rms log residual %.4f%n",
              BCRIT_LAW,
              g.group() == null ? "(pooled over groups)" : "of " + g.group(),
              l.bStar(),
              interval(l.bStarCi()),
              l.alphaB(),
              interval(l.alphaBCi()),
              l.nPoints(),
              l.rmsLogResidual()));
    }
    KaplanSFit k = a.kaplanS();
    if (k != null) {
      s.append(
          String.format(
              Locale.ROOT,
              "%s: L(N, S_min) = (N_c/N)^alpha_N + (S_c/S_min)^alpha_S, N_c = %.4g %s, alpha_N ="
                  + " %.4g %s, S_c = %.4g %s, alpha_S = %.4g %s, %d points, rms log residual"
                  + " %.4f%n",
              KAPLAN_S,
              k.nC(),
              interval(k.nCCi()),
              k.alphaN(),
              interval(k.alphaNCi()),
              k.sC(),
              interval(k.sCCi()),
              k.alphaS(),
              interval(k.alphaSCi()),
              k.nPoints(),
              k.rmsLogResidual()));
    }
    for (String n : a.notFitted()) {
      s.append("not fitted: ").append(n).append('\n');
    }
    for (String n : a.notes()) {
      s.append("note: ").append(n).append('\n');
    }
    return s.toString();
  }

  /**
   * The JSON object of the command-line contract: {@code batch}, a list of {@code {group, target,
   * S_min, E_min, B_crit, n_points, rms_log_residual, ci: {S_min, E_min, B_crit: [lo, hi]}}}; then
   * {@code bcrit_law}, a list of {@code {group (null when pooled), B_star, alpha_B, ..., ci}}, and
   * {@code kaplan_s}, an object {@code {N_c, alpha_N, S_c, alpha_S, ..., ci}}, each only when
   * fitted; {@code not_fitted}, the reasons; {@code notes}, caveats of the fits made.
   */
  static String json(BatchAnalysis a, BatchFitRequest request) {
    return json(a, request.table().source(), request.options());
  }

  /**
   * The JSON object of {@link #json(BatchAnalysis, BatchFitRequest)} for an analysis of {@code
   * input} (a table, or a sweep's output folder) fitted with {@code options}.
   */
  public static String json(BatchAnalysis a, String input, BatchFitOptions options) {
    ObjectNode root = JSON.createObjectNode();
    root.put("form", BATCH);
    root.put("input", input);
    root.put("group_column", a.groupColumn());
    root.put("batch_column", a.batchColumn());
    root.put("bootstrap", options.bootstrap());
    root.put("confidence", options.confidence());
    ArrayNode batch = root.putArray("batch");
    for (CriticalBatch f : a.fits()) {
      ObjectNode o = batch.addObject();
      o.put("group", f.group());
      o.put("target", f.target());
      o.put("S_min", f.sMin());
      o.put("E_min", f.eMin());
      o.put("B_crit", f.bCrit());
      o.put("n_points", f.nPoints());
      o.put("rms_log_residual", f.rmsLogResidual());
      o.put("failed_resamples", f.failedResamples());
      ObjectNode ci = o.putObject("ci");
      put(ci, "S_min", f.sMinCi());
      put(ci, "E_min", f.eMinCi());
      put(ci, "B_crit", f.bCritCi());
    }
    if (!a.bcritLaws().isEmpty()) {
      ArrayNode laws = root.putArray(BCRIT_LAW);
      for (BatchAnalysis.GroupLaw g : a.bcritLaws()) {
        BcritLawFit l = g.law();
        ObjectNode o = laws.addObject();
        o.put("group", g.group());
        o.put("B_star", l.bStar());
        o.put("alpha_B", l.alphaB());
        o.put("n_points", l.nPoints());
        o.put("rms_log_residual", l.rmsLogResidual());
        ObjectNode ci = o.putObject("ci");
        put(ci, "B_star", l.bStarCi());
        put(ci, "alpha_B", l.alphaBCi());
      }
    }
    KaplanSFit k = a.kaplanS();
    if (k != null) {
      ObjectNode o = root.putObject(KAPLAN_S);
      o.put("N_c", k.nC());
      o.put("alpha_N", k.alphaN());
      o.put("S_c", k.sC());
      o.put("alpha_S", k.alphaS());
      o.put("n_points", k.nPoints());
      o.put("rms_log_residual", k.rmsLogResidual());
      ObjectNode ci = o.putObject("ci");
      put(ci, "N_c", k.nCCi());
      put(ci, "alpha_N", k.alphaNCi());
      put(ci, "S_c", k.sCCi());
      put(ci, "alpha_S", k.alphaSCi());
    }
    ArrayNode not = root.putArray("not_fitted");
    a.notFitted().forEach(not::add);
    ArrayNode notes = root.putArray("notes");
    a.notes().forEach(notes::add);
    return root.toString();
  }

  private static void put(ObjectNode ci, String name, Interval i) {
    if (i != null) {
      ci.putArray(name).add(i.lo()).add(i.hi());
    }
  }

  private static String interval(Interval i) {
    return i == null ? "" : String.format(Locale.ROOT, "[%.4g, %.4g]", i.lo(), i.hi());
  }

  /** A target loss as the table wrote it: the shortest decimal that reads back as the same. */
  static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
