package dev.scaling.driver.report.paper;

import dev.scaling.common.batch.KaplanSFit;
import dev.scaling.common.fit.ChinchillaParams;
import dev.scaling.common.fit.ComputeOptimal;
import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.fit.KaplanParams;
import dev.scaling.common.fit.LawFit;
import dev.scaling.common.fit.LawForm;
import dev.scaling.common.fit.LawParams;
import dev.scaling.common.fit.ScalingAnalysis;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.driver.report.CurveSample;
import dev.scaling.driver.report.SweepFacts;
import dev.scaling.driver.report.TrialFacts;
import dev.scaling.driver.report.TrialPoint;
import dev.scaling.driver.report.chart.Axis;
import dev.scaling.driver.report.chart.Band;
import dev.scaling.driver.report.chart.Chart;
import dev.scaling.driver.report.chart.ChartHtml;
import dev.scaling.driver.report.chart.Field;
import dev.scaling.driver.report.chart.Point;
import dev.scaling.driver.report.chart.Series;
import dev.scaling.driver.report.chart.Style;
import dev.scaling.driver.report.chart.Tip;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The figures of Kaplan et al. 2020 that a sweep's data can draw (Figures 1, 2, 5, 9 and 16), each
 * as typed charts whose measured points name their trial, and for each figure whether it appears
 * and, when not, which axis of the sweep would produce it. Built once per report from the rows,
 * curves, facts and fitted laws the report already has; it does no I/O.
 *
 * @param figures the five figures in the paper's order
 */
public record PaperFigures(List<Figure> figures) {
  /**
   * Largest ratio between the biggest and smallest N of one group of the shape study: shapes within
   * it count as "nearly fixed N".
   */
  public static final double SHAPE_N_RATIO = 1.5;

  /** Most points drawn per learning curve (the frontier uses them all). */
  static final int MAX_CURVE_POINTS = 50;

  /** Fewest evaluations a learning curve needs for its early-stopping step. */
  static final int MIN_EVALS = 3;

  static final String NEEDS_JOINT_LAW =
      "a joint law fitted (kaplan or chinchilla): a grid with 3+ values of grid.width and 3+ of"
          + " grid.tokens";

  public PaperFigures {
    figures = List.copyOf(figures);
  }

  /** One figure: its status and its charts (empty when missing). */
  public record Figure(FigureStatus status, List<Chart> charts) {
    public Figure {
      if (status == null) {
        throw new IllegalArgumentException("a figure needs its status, found null");
      }
      charts = List.copyOf(charts);
      if (status.present() == charts.isEmpty()) {
        throw new IllegalArgumentException(
            status.figure().label()
                + (status.present()
                    ? " is present but has no chart"
                    : " is missing but has charts"));
      }
    }

    static Figure missing(KaplanFigure f, String reason) {
      return new Figure(FigureStatus.missing(f, reason), List.of());
    }
  }

  /** The figures the report's inputs can draw; {@code facts} may know no trials (a plain table). */
  public static PaperFigures of(
      ScalingAnalysis analysis, List<TrialPoint> rows, List<CurveSample> curves, SweepFacts facts) {
    Inputs in = new Inputs(analysis, rows, curves, facts);
    return new PaperFigures(
        List.of(
            drawn(KaplanFigure.FIGURE_1, () -> figure1(in)),
            drawn(KaplanFigure.FIGURE_2, () -> figure2(in)),
            drawn(KaplanFigure.FIGURE_5, () -> figure5(in)),
            drawn(KaplanFigure.FIGURE_9, () -> figure9(in)),
            drawn(KaplanFigure.FIGURE_16, () -> figure16(in))));
  }

  /**
   * The figure {@code build} draws, or the figure missing with the error that stopped it: a figure
   * the data cannot draw must not cost the report written at the end of a sweep.
   */
  static Figure drawn(KaplanFigure f, java.util.function.Supplier<Figure> build) {
    try {
      return build.get();
    } catch (RuntimeException e) {
      return Figure.missing(f, "data it could not draw (" + e.getMessage() + ")");
    }
  }

  /** Each figure's status, in the paper's order. */
  public List<FigureStatus> statuses() {
    return figures.stream().map(Figure::status).toList();
  }

  /** The figure {@code f}. */
  public Figure figure(KaplanFigure f) {
    return figures.stream().filter(x -> x.status().figure() == f).findFirst().orElseThrow();
  }

  /**
   * The report's "Figures" section: which of the paper's figures appear, what would produce each
   * missing one, then the charts of those that appear.
   */
  public String html() {
    StringBuilder h =
        new StringBuilder(
            "<h2>Figures</h2><p>The figures of Kaplan et al. 2020, \"Scaling Laws for Neural"
                + " Language Models\", drawn from this sweep wherever it has the data.</p><ul>");
    for (FigureStatus s : statuses()) {
      h.append("<li><b>")
          .append(s.figure().label())
          .append("</b> (")
          .append(esc(s.figure().caption()))
          .append("): ")
          .append(s.present() ? "shown" : "<b>missing</b>, needs ")
          .append(s.reason() == null ? "" : (s.present() ? "; " : "") + esc(s.reason()))
          .append("</li>");
    }
    h.append("</ul>");
    for (Figure f : figures) {
      for (Chart c : f.charts()) {
        h.append(ChartHtml.div(c));
      }
    }
    return h.toString();
  }

  // ---------------------------------------------------------------- inputs and tooltips

  /** The report's inputs, indexed: measured rows only (predicted branches are left out). */
  private static final class Inputs {
    final ScalingAnalysis analysis;
    final List<TrialPoint> rows;
    final List<CurveSample> curves;
    final SweepFacts facts;
    final Map<String, TrialFacts> trials = new HashMap<>();

    Inputs(
        ScalingAnalysis analysis,
        List<TrialPoint> rows,
        List<CurveSample> curves,
        SweepFacts facts) {
      this.analysis = analysis;
      this.rows = rows.stream().filter(r -> !r.weighted()).toList();
      this.curves = curves;
      this.facts = facts;
      for (TrialFacts t : facts.trials()) {
        trials.put(t.trialId(), t);
      }
    }

    TrialFacts trial(String id) {
      return id == null ? null : trials.get(id);
    }

    /** The trial's own evaluation noise, else the sweep's median, else NaN. */
    double noise(String id) {
      TrialFacts t = trial(id);
      if (t != null && Double.isFinite(t.evalNoise())) {
        return t.evalNoise();
      }
      return facts.evalNoise() == null ? Double.NaN : facts.evalNoise();
    }

    FitOptions options() {
      return analysis.options();
    }
  }

  /** A measured row as a point at (x, y) whose tooltip names its trial. */
  private static Point point(Inputs in, TrialPoint r, double x, double y, List<Field> extra) {
    return new Point(x, y, in.noise(r.trialId()), tip(in, r, extra));
  }

  private static Tip tip(Inputs in, TrialPoint r, List<Field> extra) {
    ScalingPoint p = r.point();
    List<Field> f = new ArrayList<>(trialFields(in.trial(r.trialId())));
    f.add(new Field("N", fmt(p.n())));
    f.add(new Field("D", fmt(p.d())));
    double noise = in.noise(r.trialId());
    f.add(
        new Field(
            "loss",
            String.format(Locale.ROOT, "%.4f", p.loss())
                + (Double.isFinite(noise) ? String.format(Locale.ROOT, " ± %.4f", noise) : "")));
    f.addAll(extra);
    return new Tip(r.trialId() == null ? "row" : r.trialId(), f);
  }

  private static List<Field> trialFields(TrialFacts t) {
    if (t == null) {
      return List.of();
    }
    return List.of(
        new Field("width", Integer.toString(t.width())),
        new Field("depth", Integer.toString(t.depth())),
        new Field("lr", fmt(t.learningRate())),
        new Field("batch", t.batchSize() + " seq (" + t.tokensPerStep() + " tokens)"));
  }

  // ---------------------------------------------------------------- Figure 1

  private static Figure figure1(Inputs in) {
    if (in.rows.stream().map(r -> key(r.point().compute())).distinct().count() < 2) {
      return Figure.missing(
          KaplanFigure.FIGURE_1,
          "finished trials at 2 or more compute values (grid.width, grid.tokens)");
    }
    List<Chart> charts = new ArrayList<>();
    List<String> gaps = new ArrayList<>();
    charts.add(lossVsCompute(in));
    Chart d = lossVsOne(in, false);
    if (d == null) {
      gaps.add("loss vs D needs 2+ values of grid.tokens at the largest model");
    } else {
      charts.add(d);
    }
    Chart n = lossVsOne(in, true);
    if (n == null) {
      gaps.add("loss vs N needs 2+ values of grid.width at the largest D");
    } else {
      charts.add(n);
    }
    FigureStatus s =
        new FigureStatus(
            KaplanFigure.FIGURE_1, true, gaps.isEmpty() ? null : String.join("; ", gaps));
    return new Figure(s, charts);
  }

  /**
   * The rows on the compute-efficient frontier: in order of compute, each row whose loss is lower
   * than that of every row of less (or equal) compute, so each is the lowest loss reached at or
   * below its compute.
   */
  static List<TrialPoint> frontier(List<TrialPoint> rows) {
    List<TrialPoint> sorted =
        rows.stream()
            .sorted(
                Comparator.comparingDouble((TrialPoint r) -> r.point().compute())
                    .thenComparingDouble(r -> r.point().loss()))
            .toList();
    List<TrialPoint> out = new ArrayList<>();
    double best = Double.POSITIVE_INFINITY;
    for (TrialPoint r : sorted) {
      if (r.point().loss() < best) {
        best = r.point().loss();
        out.add(r);
      }
    }
    return out;
  }

  private static Chart lossVsCompute(Inputs in) {
    Chart c =
        Chart.of(
            "Figure 1 (left): loss vs compute with the compute-efficient frontier, L = (C_c/C)^alpha_C",
            Axis.log("C = 6ND (FLOPs)"),
            Axis.log("loss (nats/token)"));
    List<TrialPoint> front = frontier(in.rows);
    c =
        c.with(
            new Series(
                "trials",
                Style.POINTS,
                in.rows.stream()
                    .map(r -> point(in, r, r.point().compute(), r.point().loss(), List.of()))
                    .toList()));
    c =
        c.with(
            new Series(
                "compute-efficient frontier",
                Style.POINTS_LINE,
                front.stream()
                    .map(r -> point(in, r, r.point().compute(), r.point().loss(), List.of()))
                    .toList()));
    double[] x = front.stream().mapToDouble(r -> r.point().compute()).toArray();
    double[] y = front.stream().mapToDouble(r -> r.point().loss()).toArray();
    double lo = in.rows.stream().mapToDouble(r -> r.point().compute()).min().orElseThrow();
    double hi = in.rows.stream().mapToDouble(r -> r.point().compute()).max().orElseThrow();
    c = withPowerFit(in, c, x, y, lo, hi, "C");
    LawFit alloc = in.analysis.allocationLaw().orElse(null);
    if (alloc != null) {
      ComputeOptimal o = alloc.computeOptimal().orElseThrow();
      LawParams law = alloc.fit().params();
      List<Point> pts = new ArrayList<>();
      for (double cx : logSpace(lo, hi, 40)) {
        double l = law.predict(o.nOpt(cx), o.dOpt(cx));
        if (Double.isFinite(l) && l > 0) {
          pts.add(Point.of(cx, l));
        }
      }
      c =
          c.with(
              new Series(alloc.form().label() + " law at N_opt(C), D_opt(C)", Style.DASHED, pts));
    }
    return c;
  }

  /**
   * Loss against N at the largest D ({@code overN}) or against D at the largest N, with the pure
   * power law fitted to those rows and the sweep's own power_n or power_d law; null with fewer than
   * 2 distinct values along the axis.
   */
  private static Chart lossVsOne(Inputs in, boolean overN) {
    Map<Double, List<TrialPoint>> groups =
        in.rows.stream()
            .collect(
                Collectors.groupingBy(
                    r -> key(overN ? r.point().d() : r.point().n()),
                    TreeMap::new,
                    Collectors.toList()));
    if (groups.isEmpty()) {
      return null;
    }
    List<TrialPoint> g = ((TreeMap<Double, List<TrialPoint>>) groups).lastEntry().getValue();
    double[] x = g.stream().mapToDouble(r -> overN ? r.point().n() : r.point().d()).toArray();
    double[] y = g.stream().mapToDouble(r -> r.point().loss()).toArray();
    if (java.util.Arrays.stream(x).map(PaperFigures::key).distinct().count() < 2) {
      return null;
    }
    double fixed =
        g.stream().mapToDouble(r -> overN ? r.point().d() : r.point().n()).max().orElseThrow();
    String v = overN ? "N" : "D";
    Chart c =
        Chart.of(
            String.format(
                Locale.ROOT,
                "Figure 1 (%s): loss vs %s at the largest %s (%s = %s), L = (%s_c/%s)^alpha_%s",
                overN ? "right" : "middle",
                v,
                overN ? "D" : "N",
                overN ? "D" : "N",
                fmt(fixed),
                v,
                v,
                v),
            Axis.log(overN ? "N (non-embedding parameters)" : "D (training tokens)"),
            Axis.log("loss (nats/token)"));
    c =
        c.with(
            new Series(
                "trials at " + (overN ? "D = " : "N = ") + fmt(fixed),
                Style.POINTS,
                g.stream()
                    .map(
                        r ->
                            point(
                                in,
                                r,
                                overN ? r.point().n() : r.point().d(),
                                r.point().loss(),
                                List.of()))
                    .toList()));
    double lo = java.util.Arrays.stream(x).min().orElseThrow();
    double hi = java.util.Arrays.stream(x).max().orElseThrow();
    c = withPowerFit(in, c, x, y, lo, hi, v);
    LawFit own = in.analysis.fit(overN ? LawForm.POWER_N : LawForm.POWER_D);
    if (own != null) {
      LawParams p = own.fit().params();
      List<Point> pts = new ArrayList<>();
      for (double gx : logSpace(lo, hi, 40)) {
        double l = overN ? p.predict(gx, fixed) : p.predict(fixed, gx);
        if (Double.isFinite(l) && l > 0) {
          pts.add(Point.of(gx, l));
        }
      }
      c =
          c.with(
              new Series(
                  "sweep law " + own.form().label() + ": E + " + (overN ? "A/N^alpha" : "B/D^beta"),
                  Style.DASHED,
                  pts));
    }
    return c;
  }

  /** The chart with L = (X_c/X)^alpha fitted to (x, y) and its bootstrap band, when it fits. */
  private static Chart withPowerFit(
      Inputs in, Chart c, double[] x, double[] y, double lo, double hi, String v) {
    PowerFit fit = PowerFit.fit(x, y);
    if (fit == null) {
      return c;
    }
    String name =
        String.format(Locale.ROOT, "fit L = (%s/%s)^%.3f", fmt(fit.scale()), v, fit.alpha());
    double[] grid = logSpace(lo, hi, 40);
    List<Point> pts = new ArrayList<>();
    for (double gx : grid) {
      pts.add(Point.of(gx, fit.predict(gx)));
    }
    c = c.with(new Series(name, Style.LINE, pts));
    FitOptions o = in.options();
    Band band = PowerFit.band(name, x, y, grid, o.bootstrap(), o.seed(), o.ciLevel());
    return band == null ? c : c.with(band);
  }

  // ---------------------------------------------------------------- Figure 2

  /** One learning-curve sample on a compute axis: C = 6 N tokens seen. */
  record ComputeSample(String trialId, long step, long tokens, double compute, double loss) {}

  /** One point of the compute-efficient frontier of learning curves, and whose curve it is on. */
  record EnvelopePoint(double compute, double loss, String trialId) {}

  /**
   * Each trial's learning curve on a compute axis, in order of tokens: its held-out losses where it
   * has 2 or more, else its training losses; trials whose N is unknown are left out.
   */
  static Map<String, List<ComputeSample>> computeCurves(
      List<CurveSample> curves, Map<String, Double> nById) {
    Map<String, List<CurveSample>> byTrial =
        curves.stream()
            .filter(s -> s.tokens() > 0 && nById.containsKey(s.trialId()))
            .collect(
                Collectors.groupingBy(CurveSample::trialId, TreeMap::new, Collectors.toList()));
    Map<String, List<ComputeSample>> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<CurveSample>> e : byTrial.entrySet()) {
      boolean eval = e.getValue().stream().filter(s -> Double.isFinite(s.evalLoss())).count() >= 2;
      double n = nById.get(e.getKey());
      TreeMap<Long, ComputeSample> byTokens = new TreeMap<>();
      for (CurveSample s : e.getValue()) {
        double loss = eval ? s.evalLoss() : s.trainLoss();
        if (Double.isFinite(loss) && loss > 0) {
          byTokens.put(
              s.tokens(),
              new ComputeSample(e.getKey(), s.step(), s.tokens(), 6 * n * s.tokens(), loss));
        }
      }
      if (byTokens.size() >= 2) {
        out.put(e.getKey(), List.copyOf(byTokens.values()));
      }
    }
    return out;
  }

  /**
   * The lower envelope of the curves: at every compute any curve was sampled at, the lowest loss of
   * the curves that span it, each curve interpolated linearly in log C and log L between its
   * samples.
   */
  static List<EnvelopePoint> envelope(Map<String, List<ComputeSample>> curves) {
    return envelope(curves, Integer.MAX_VALUE);
  }

  /**
   * {@link #envelope(Map)} {@linkplain #thin thinned} to at most {@code max} points, computed at
   * those points only: every sampled compute has a point on the envelope (the curve sampled there
   * spans it), so thinning the computes first gives the same points as thinning the envelope, at
   * {@code max} instead of every sample's interpolations (10 000 curves of 20 samples: 200 000).
   */
  static List<EnvelopePoint> envelope(Map<String, List<ComputeSample>> curves, int max) {
    TreeSet<Double> all = new TreeSet<>();
    curves.values().forEach(c -> c.forEach(s -> all.add(s.compute())));
    List<EnvelopePoint> out = new ArrayList<>();
    for (double cx : thin(new ArrayList<>(all), max)) {
      double best = Double.POSITIVE_INFINITY;
      String who = null;
      for (Map.Entry<String, List<ComputeSample>> e : curves.entrySet()) {
        double l = interpolate(e.getValue(), cx);
        if (l < best) {
          best = l;
          who = e.getKey();
        }
      }
      if (who != null) {
        out.add(new EnvelopePoint(cx, best, who));
      }
    }
    return out;
  }

  /** The curve's loss at compute {@code cx}, log-log interpolated; +inf outside its span. */
  static double interpolate(List<ComputeSample> curve, double cx) {
    if (cx < curve.get(0).compute() || cx > curve.get(curve.size() - 1).compute()) {
      return Double.POSITIVE_INFINITY;
    }
    int lo = 0;
    int hi = curve.size() - 1;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (curve.get(mid).compute() <= cx) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    ComputeSample a = curve.get(lo);
    ComputeSample b = curve.get(hi);
    if (a.compute() == cx || a.compute() == b.compute()) {
      return a.compute() == cx ? a.loss() : Math.min(a.loss(), b.loss());
    }
    if (b.compute() == cx) {
      return b.loss();
    }
    double t = Math.log(cx / a.compute()) / Math.log(b.compute() / a.compute());
    return Math.exp(Math.log(a.loss()) + t * Math.log(b.loss() / a.loss()));
  }

  private static Figure figure2(Inputs in) {
    if (in.curves.isEmpty()) {
      return Figure.missing(
          KaplanFigure.FIGURE_2,
          "learning curves, which the report of ./sweep run has (./sweep fit on a table reads"
              + " none)");
    }
    Map<String, Double> nById = new HashMap<>();
    in.rows.forEach(
        r -> {
          if (r.trialId() != null) {
            nById.put(r.trialId(), r.point().n());
          }
        });
    in.trials.values().forEach(t -> nById.put(t.trialId(), t.nParams()));
    Map<String, List<ComputeSample>> curves = computeCurves(in.curves, nById);
    if (curves.size() < 2) {
      return Figure.missing(
          KaplanFigure.FIGURE_2,
          "learning curves of 2 or more models with known N (found "
              + curves.size()
              + "): more values of grid.width");
    }
    Chart c =
        Chart.of(
            "Figure 2: learning curves against compute C = 6N x tokens seen, with the"
                + " compute-efficient frontier",
            Axis.log("C = 6 N x tokens seen (FLOPs)"),
            Axis.log("loss (nats/token)"));
    for (Map.Entry<String, List<ComputeSample>> e : curves.entrySet()) {
      TrialFacts t = in.trial(e.getKey());
      String name =
          t == null
              ? e.getKey()
              : String.format(
                  Locale.ROOT,
                  "w%d d%d D=%s %s",
                  t.width(),
                  t.depth(),
                  fmt(t.tokens()),
                  e.getKey());
      List<ComputeSample> s = thin(e.getValue(), MAX_CURVE_POINTS);
      List<Point> pts = new ArrayList<>();
      for (ComputeSample x : s) {
        List<Field> f = new ArrayList<>(trialFields(t));
        f.add(new Field("step", Long.toString(x.step())));
        f.add(new Field("tokens seen", fmt(x.tokens())));
        f.add(new Field("C", fmt(x.compute())));
        f.add(new Field("loss", String.format(Locale.ROOT, "%.4f", x.loss())));
        pts.add(new Point(x.compute(), x.loss(), Double.NaN, new Tip(e.getKey(), f)));
      }
      c = c.with(new Series(name, Style.LINE, pts));
    }
    List<Point> env = new ArrayList<>();
    for (EnvelopePoint p : envelope(curves, 4 * MAX_CURVE_POINTS)) {
      env.add(
          new Point(
              p.compute(),
              p.loss(),
              Double.NaN,
              new Tip(
                  "frontier",
                  List.of(
                      new Field("C", fmt(p.compute())),
                      new Field("loss", String.format(Locale.ROOT, "%.4f", p.loss())),
                      new Field("on the curve of", p.trialId())))));
    }
    c = c.with(new Series("compute-efficient frontier (lower envelope)", Style.DASHED, env));
    return new Figure(FigureStatus.shown(KaplanFigure.FIGURE_2), List.of(c));
  }

  /** At most {@code max} of {@code items}, evenly spaced, the first and last kept. */
  static <T> List<T> thin(List<T> items, int max) {
    if (items.size() <= max) {
      return items;
    }
    List<T> out = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      out.add(items.get((int) Math.round(i * (items.size() - 1) / (double) (max - 1))));
    }
    return out;
  }

  // ---------------------------------------------------------------- Figure 5

  /** One trial of the shape study and its loss increase over the best shape of its group. */
  record ShapePoint(TrialPoint row, TrialFacts trial, double increase) {}

  /**
   * Trials at one D whose N lie within {@link #SHAPE_N_RATIO} of each other, with 2 or more depths.
   */
  record ShapeGroup(double d, double nLow, double nHigh, List<ShapePoint> points) {
    /** The geometric mean of the group's smallest and largest N. */
    double nMid() {
      return Math.sqrt(nLow * nHigh);
    }
  }

  /**
   * The shape study's groups: at the D whose groups hold the most trials (the larger D on a tie),
   * the trials sorted by N and cut greedily into runs whose largest N is at most {@code ratio}
   * times the smallest; the runs with 2 or more depths, each trial's loss increase relative to the
   * lowest loss of its run. Empty when no D has such a run.
   */
  static List<ShapeGroup> shapeGroups(
      List<TrialPoint> rows, Map<String, TrialFacts> trials, double ratio) {
    Map<Double, List<TrialPoint>> byD =
        rows.stream()
            .filter(r -> r.trialId() != null && trials.containsKey(r.trialId()))
            .collect(
                Collectors.groupingBy(r -> key(r.point().d()), TreeMap::new, Collectors.toList()));
    List<ShapeGroup> best = List.of();
    int bestCount = 0;
    for (List<TrialPoint> atD : byD.values()) {
      List<ShapeGroup> groups = groupsAtD(atD, trials, ratio);
      int count = groups.stream().mapToInt(g -> g.points().size()).sum();
      if (count > 0 && count >= bestCount) {
        best = groups;
        bestCount = count;
      }
    }
    return best;
  }

  private static List<ShapeGroup> groupsAtD(
      List<TrialPoint> atD, Map<String, TrialFacts> trials, double ratio) {
    List<TrialPoint> sorted =
        atD.stream().sorted(Comparator.comparingDouble(r -> r.point().n())).toList();
    List<ShapeGroup> out = new ArrayList<>();
    int start = 0;
    while (start < sorted.size()) {
      int end = start;
      double n0 = sorted.get(start).point().n();
      while (end + 1 < sorted.size() && sorted.get(end + 1).point().n() <= ratio * n0) {
        end++;
      }
      List<TrialPoint> run = sorted.subList(start, end + 1);
      long depths = run.stream().map(r -> trials.get(r.trialId()).depth()).distinct().count();
      if (depths >= 2) {
        double min = run.stream().mapToDouble(r -> r.point().loss()).min().orElseThrow();
        List<ShapePoint> pts =
            run.stream()
                .map(r -> new ShapePoint(r, trials.get(r.trialId()), r.point().loss() / min - 1))
                .toList();
        out.add(
            new ShapeGroup(sorted.get(start).point().d(), n0, sorted.get(end).point().n(), pts));
      }
      start = end + 1;
    }
    return out;
  }

  private static Figure figure5(Inputs in) {
    List<TrialPoint> known = in.rows.stream().filter(r -> in.trial(r.trialId()) != null).toList();
    if (known.isEmpty()) {
      return Figure.missing(
          KaplanFigure.FIGURE_5,
          "the trials' widths and depths, which the report of ./sweep run has (./sweep fit on a"
              + " table reads only N, D and loss)");
    }
    long depths = known.stream().map(r -> in.trial(r.trialId()).depth()).distinct().count();
    if (depths < 2) {
      return Figure.missing(
          KaplanFigure.FIGURE_5, "at least two depths at similar N: add values to grid.depth");
    }
    List<ShapeGroup> groups = shapeGroups(known, in.trials, SHAPE_N_RATIO);
    if (groups.isEmpty()) {
      return Figure.missing(
          KaplanFigure.FIGURE_5,
          String.format(
              Locale.ROOT,
              "two shapes of different depth within a factor %.1f of each other in N at one D: add"
                  + " values to grid.width and grid.depth whose N overlap (a deeper, narrower"
                  + " model beside a wider, shallower one)",
              SHAPE_N_RATIO));
    }
    Chart c =
        Chart.of(
            String.format(
                Locale.ROOT,
                "Figure 5: loss increase over the best shape at nearly fixed N (within %.1fx)"
                    + " against aspect ratio, D = %s",
                SHAPE_N_RATIO,
                fmt(groups.get(0).d())),
            Axis.log("aspect ratio width/depth"),
            Axis.linear("loss increase over the best shape of the group (L/L_best - 1)"));
    for (ShapeGroup g : groups) {
      double min = g.points().stream().mapToDouble(p -> p.row().point().loss()).min().orElseThrow();
      List<Point> pts = new ArrayList<>();
      for (ShapePoint p :
          g.points().stream()
              .sorted(Comparator.comparingDouble(p -> p.trial().aspectRatio()))
              .toList()) {
        double noise = in.noise(p.row().trialId());
        pts.add(
            new Point(
                p.trial().aspectRatio(),
                p.increase(),
                Double.isFinite(noise) ? noise / min : Double.NaN,
                tip(
                    in,
                    p.row(),
                    List.of(
                        new Field("aspect ratio", fmt(p.trial().aspectRatio())),
                        new Field(
                            "increase",
                            String.format(Locale.ROOT, "%.2f%%", 100 * p.increase()))))));
      }
      c =
          c.with(
              new Series(
                  String.format(
                      Locale.ROOT,
                      "N ~ %s (%s to %s, %d shapes)",
                      fmt(g.nMid()),
                      fmt(g.nLow()),
                      fmt(g.nHigh()),
                      g.points().size()),
                  Style.POINTS_LINE,
                  pts));
    }
    return new Figure(FigureStatus.shown(KaplanFigure.FIGURE_5), List.of(c));
  }

  // ---------------------------------------------------------------- Figure 9

  /** The joint law the overfitting and early-stopping figures use: kaplan, else chinchilla. */
  static LawParams jointLaw(ScalingAnalysis a) {
    for (LawForm form : List.of(LawForm.KAPLAN, LawForm.CHINCHILLA)) {
      LawFit f = a.fit(form);
      if (f != null && usable(f.fit().params())) {
        return f.fit().params();
      }
    }
    return null;
  }

  private static boolean usable(LawParams p) {
    if (p instanceof KaplanParams k) {
      return k.alphaN() > 0 && k.alphaD() > 0 && k.nc() > 0;
    }
    if (p instanceof ChinchillaParams c) {
      return c.alpha() > 0 && c.beta() > 0 && c.a() > 0 && c.b() > 0;
    }
    return false;
  }

  /** L(N, inf): (N_c/N)^alpha_N for kaplan, E + A/N^alpha for chinchilla. */
  static double lossAtInfiniteData(LawParams p, double n) {
    if (p instanceof KaplanParams k) {
      return Math.pow(k.nc() / n, k.alphaN());
    }
    ChinchillaParams c = (ChinchillaParams) p;
    return c.e() + c.a() / Math.pow(n, c.alpha());
  }

  /**
   * The overfitting variable N^(alpha_N/alpha_D)/D (kaplan) or its chinchilla analogue
   * N^(alpha/beta)/D, computed in logs.
   */
  static double overfitX(LawParams p, double n, double d) {
    double r =
        p instanceof KaplanParams k
            ? k.alphaN() / k.alphaD()
            : ((ChinchillaParams) p).alpha() / ((ChinchillaParams) p).beta();
    return Math.exp(r * Math.log(n) - Math.log(d));
  }

  /**
   * The kaplan form's overfitting curve L(N, D)/L(N, inf) - 1 = (1 + D_c x / N_c^(alpha_N /
   * alpha_D))^alpha_D - 1 at x = N^(alpha_N/alpha_D)/D, one function of x alone.
   */
  static double kaplanOverfit(KaplanParams k, double x) {
    double r = k.alphaN() / k.alphaD();
    double coef = k.dc() * Math.exp(-r * Math.log(k.nc()));
    return Math.expm1(k.alphaD() * Math.log1p(coef * x));
  }

  /** One measured row on Figure 9's axes. */
  record OverfitPoint(TrialPoint row, double x, double y) {}

  /** The rows on Figure 9's axes under {@code law}. */
  static List<OverfitPoint> overfit(LawParams law, List<TrialPoint> rows) {
    List<OverfitPoint> out = new ArrayList<>();
    for (TrialPoint r : rows) {
      double inf = lossAtInfiniteData(law, r.point().n());
      double x = overfitX(law, r.point().n(), r.point().d());
      double y = r.point().loss() / inf - 1;
      if (inf > 0 && Double.isFinite(x) && x > 0 && Double.isFinite(y)) {
        out.add(new OverfitPoint(r, x, y));
      }
    }
    return out;
  }

  private static Figure figure9(Inputs in) {
    LawParams law = jointLaw(in.analysis);
    if (law == null) {
      return Figure.missing(KaplanFigure.FIGURE_9, NEEDS_JOINT_LAW);
    }
    List<OverfitPoint> pts = overfit(law, in.rows);
    if (pts.size() < 2) {
      return Figure.missing(KaplanFigure.FIGURE_9, "2 or more finished trials");
    }
    boolean kaplan = law instanceof KaplanParams;
    double xlo = pts.stream().mapToDouble(OverfitPoint::x).min().orElseThrow();
    double xhi = pts.stream().mapToDouble(OverfitPoint::x).max().orElseThrow();
    List<Series> lines = new ArrayList<>();
    if (law instanceof KaplanParams k) {
      List<Point> line = new ArrayList<>();
      for (double x : logSpace(xlo, xhi, 60)) {
        line.add(Point.of(x, kaplanOverfit(k, x)));
      }
      lines.add(
          new Series(
              "kaplan fit: (1 + D_c x/N_c^(alpha_N/alpha_D))^alpha_D - 1", Style.LINE, line));
    } else {
      ChinchillaParams p = (ChinchillaParams) law;
      double dlo = in.rows.stream().mapToDouble(r -> r.point().d()).min().orElseThrow();
      double dhi = in.rows.stream().mapToDouble(r -> r.point().d()).max().orElseThrow();
      for (double n : pickN(in.rows)) {
        List<Point> line = new ArrayList<>();
        for (double d : logSpace(dlo, dhi, 40)) {
          line.add(
              Point.of(
                  overfitX(p, n, d), p.b() / Math.pow(d, p.beta()) / lossAtInfiniteData(p, n)));
        }
        line.sort(Comparator.comparingDouble(Point::x));
        lines.add(new Series("chinchilla fit at N = " + fmt(n), Style.DASHED, line));
      }
    }
    boolean logY =
        pts.stream().allMatch(p -> p.y() > 0)
            && lines.stream().flatMap(s -> s.points().stream()).allMatch(p -> p.y() > 0);
    String title =
        kaplan
            ? "Figure 9: overfitting, L(N, D)/L(N, inf) - 1 against N^(alpha_N/alpha_D)/D (kaplan"
                + " form, L(N, inf) = (N_c/N)^alpha_N)"
            : "Figure 9: overfitting, L(N, D)/L(N, inf) - 1 against N^(alpha/beta)/D (chinchilla"
                + " form, L(N, inf) = E + A/N^alpha; with E > 0 the rows do not collapse onto one"
                + " curve)";
    Chart c =
        Chart.of(
            title,
            Axis.log(kaplan ? "N^(alpha_N/alpha_D) / D" : "N^(alpha/beta) / D"),
            logY ? Axis.log("L(N, D) / L(N, inf) - 1") : Axis.linear("L(N, D) / L(N, inf) - 1"));
    Map<Double, List<OverfitPoint>> byN =
        pts.stream()
            .collect(
                Collectors.groupingBy(
                    p -> key(p.row().point().n()), TreeMap::new, Collectors.toList()));
    for (List<OverfitPoint> g : byN.values()) {
      double noiseScale = lossAtInfiniteData(law, g.get(0).row().point().n());
      c =
          c.with(
              new Series(
                  "N = " + fmt(g.get(0).row().point().n()),
                  Style.POINTS,
                  g.stream()
                      .sorted(Comparator.comparingDouble(OverfitPoint::x))
                      .map(
                          p -> {
                            double noise = in.noise(p.row().trialId());
                            return new Point(
                                p.x(),
                                p.y(),
                                Double.isFinite(noise) ? noise / noiseScale : Double.NaN,
                                tip(
                                    in,
                                    p.row(),
                                    List.of(
                                        new Field("x", fmt(p.x())),
                                        new Field("L/L(N,inf) - 1", fmt(p.y())))));
                          })
                      .toList()));
    }
    for (Series s : lines) {
      c = c.with(s);
    }
    return new Figure(FigureStatus.shown(KaplanFigure.FIGURE_9), List.of(c));
  }

  /** Up to 6 of the rows' distinct N, spread over their range. */
  private static List<Double> pickN(List<TrialPoint> rows) {
    List<Double> ns =
        rows.stream()
            .map(r -> r.point().n())
            .collect(Collectors.toCollection(TreeSet::new))
            .stream()
            .toList();
    return thin(ns, 6);
  }

  // ---------------------------------------------------------------- Figure 16

  /**
   * A trial's early-stopping step: the evaluated step of its lowest held-out loss; {@code stopped}
   * when a later evaluation is worse than that by more than the tolerance (the loss stopped
   * improving), else the step only bounds the stopping step from below.
   */
  record StopStep(
      String trialId,
      long step,
      long lastStep,
      double bestLoss,
      double lastLoss,
      boolean stopped) {}

  /**
   * The early-stopping step of one trial's curve, its evaluations compared with {@code tolerance}
   * (its evaluation noise, 0 for none); null with fewer than {@value #MIN_EVALS} evaluations.
   */
  static StopStep stopStep(String trialId, List<CurveSample> curve, double tolerance) {
    List<CurveSample> evals =
        curve.stream()
            .filter(s -> Double.isFinite(s.evalLoss()))
            .sorted(Comparator.comparingLong(CurveSample::step))
            .toList();
    if (evals.size() < MIN_EVALS) {
      return null;
    }
    CurveSample best = evals.get(0);
    for (CurveSample s : evals) {
      if (s.evalLoss() < best.evalLoss()) {
        best = s;
      }
    }
    CurveSample last = evals.get(evals.size() - 1);
    boolean stopped =
        best.step() < last.step() && last.evalLoss() - best.evalLoss() > Math.max(0, tolerance);
    return new StopStep(
        trialId, best.step(), last.step(), best.evalLoss(), last.evalLoss(), stopped);
  }

  /**
   * Eq. 5.7's early-stopping step S_c / [L(N, D) - L(N, inf)]^(1/alpha_S), with L from the joint
   * law and S_c, alpha_S from L(N, S_min); NaN where the law predicts no overfitting.
   */
  static double predictedStop(LawParams law, KaplanSFit steps, double n, double d) {
    double gap = law.predict(n, d) - lossAtInfiniteData(law, n);
    if (!(gap > 0)) {
      return Double.NaN;
    }
    return steps.sC() / Math.pow(gap, 1 / steps.alphaS());
  }

  private static Figure figure16(Inputs in) {
    KaplanSFit steps = in.facts.stepLaw();
    if (steps == null) {
      return Figure.missing(
          KaplanFigure.FIGURE_16,
          "the batch study's L(N, S_min) for S_c and alpha_S: grid.batch_size with 3+ values"
              + " (then the study fits L(N, S_min) over its models and targets)");
    }
    LawParams law = jointLaw(in.analysis);
    if (law == null) {
      return Figure.missing(KaplanFigure.FIGURE_16, NEEDS_JOINT_LAW);
    }
    Map<String, List<CurveSample>> byTrial =
        in.curves.stream()
            .collect(
                Collectors.groupingBy(CurveSample::trialId, TreeMap::new, Collectors.toList()));
    List<Point> stopped = new ArrayList<>();
    List<Point> running = new ArrayList<>();
    for (TrialPoint r : in.rows) {
      List<CurveSample> curve = r.trialId() == null ? null : byTrial.get(r.trialId());
      if (curve == null) {
        continue;
      }
      double noise = in.noise(r.trialId());
      StopStep s = stopStep(r.trialId(), curve, Double.isFinite(noise) ? noise : 0);
      double predicted = predictedStop(law, steps, r.point().n(), r.point().d());
      if (s == null || !(predicted > 0) || !Double.isFinite(predicted) || s.step() <= 0) {
        continue;
      }
      Point p =
          new Point(
              predicted,
              s.step(),
              Double.NaN,
              tip(
                  in,
                  r,
                  List.of(
                      new Field("best step", Long.toString(s.step())),
                      new Field("last step", Long.toString(s.lastStep())),
                      new Field("eq. 5.7 step", fmt(predicted)))));
      (s.stopped() ? stopped : running).add(p);
    }
    if (stopped.isEmpty() && running.isEmpty()) {
      return Figure.missing(
          KaplanFigure.FIGURE_16,
          "held-out learning curves with "
              + MIN_EVALS
              + "+ evaluations per trial: a smaller training.eval_interval");
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (Point p : concat(stopped, running)) {
      lo = Math.min(lo, Math.min(p.x(), p.y()));
      hi = Math.max(hi, Math.max(p.x(), p.y()));
    }
    Chart c =
        Chart.of(
            "Figure 16: early-stopping step against eq. 5.7, S_c/[L(N, D) - L(N, inf)]^(1/alpha_S)"
                + " (steps at each trial's batch size; eq. 5.7 is a lower bound)",
            Axis.log("eq. 5.7 step (S_c and alpha_S from L(N, S_min))"),
            Axis.log("measured step of the lowest held-out loss"));
    c = c.with(new Series("held-out loss rose after its best step", Style.POINTS, stopped));
    c = c.with(new Series("still improving at the end (lower bound)", Style.POINTS, running));
    c =
        c.with(
            new Series(
                "measured = eq. 5.7", Style.DASHED, List.of(Point.of(lo, lo), Point.of(hi, hi))));
    String note =
        stopped.isEmpty()
            ? "no trial's held-out loss rose after its best step, so each point only bounds its"
                + " stopping step from below: a trial on fresh tokens does not overfit; a text"
                + " source with data.epochs_allowed: true and grid.tokens beyond its training"
                + " split shows early stopping"
            : null;
    return new Figure(new FigureStatus(KaplanFigure.FIGURE_16, true, note), List.of(c));
  }

  private static List<Point> concat(List<Point> a, List<Point> b) {
    List<Point> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  // ---------------------------------------------------------------- numbers

  /** {@code v} rounded to 3 significant digits: the key grouping rows of one N or one D. */
  static double key(double v) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.3g", v));
  }

  /** {@code n} values from {@code lo} to {@code hi}, evenly spaced in log. */
  static double[] logSpace(double lo, double hi, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo * Math.pow(hi / lo, i / (double) (n - 1));
    }
    return v;
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
