package dev.scaling.driver.report;

import static dev.scaling.driver.report.ReportWriter.fmt;
import static dev.scaling.driver.report.ReportWriter.logSpace;

import dev.scaling.common.fit.Allocation;
import dev.scaling.common.fit.AllocationStudy;
import dev.scaling.common.fit.ApproachKind;
import dev.scaling.common.fit.ComputeOptimal;
import dev.scaling.common.fit.Law;
import dev.scaling.common.fit.LawFit;
import dev.scaling.common.fit.LawParams;
import dev.scaling.common.fit.Quantiles;
import dev.scaling.common.fit.ScalingAnalysis;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.driver.report.chart.Axis;
import dev.scaling.driver.report.chart.Band;
import dev.scaling.driver.report.chart.Chart;
import dev.scaling.driver.report.chart.Point;
import dev.scaling.driver.report.chart.Series;
import dev.scaling.driver.report.chart.Style;
import dev.scaling.driver.report.chart.Tip;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The charts of the report's "Plots" section, chosen by the sweep's {@link ReportDesign}: a full
 * grid gets loss vs N per D and loss vs D per N with the fitted law; an IsoFLOP design its profiles
 * with the fitted parabolas and vertices; wsd sweeps their trunks with the branches; every sweep
 * its learning curves, residuals in units of the evaluation noise, loss vs compute with the
 * frontier and, where approaches were applied, N_opt against compute per approach.
 */
public final class ReportCharts {
  /** At most this many groups (values of D, or of N) per chart. */
  private static final int MAX_SERIES = 8;

  /** At most this many points per learning curve (evaluated points are always kept). */
  private static final int MAX_CURVE_POINTS = 300;

  private static final String LOSS = "loss (nats/token)";

  private ReportCharts() {}

  /** The charts in the order the report shows them; none is empty. */
  public static List<Chart> of(
      ScalingAnalysis analysis,
      AllocationStudy study,
      List<TrialPoint> rows,
      List<CurveSample> curves,
      SweepFacts facts) {
    ReportDesign design = ReportDesign.of(rows.stream().map(TrialPoint::point).toList(), study);
    LawFit main = mainFit(analysis);
    List<Chart> out = new ArrayList<>();
    if (design == ReportDesign.GRID) {
      out.add(lossVs(rows, main, true));
      out.add(lossVs(rows, main, false));
    }
    Allocation iso = study.estimate(ApproachKind.ISOFLOP);
    if (design == ReportDesign.ISOFLOP && iso != null) {
      out.add(isoflopProfiles(iso, rows));
    }
    if (!study.estimates().isEmpty()) {
      out.add(nOptVsCompute(study));
    }
    out.add(lossVsCompute(rows, analysis.allocationLaw().orElse(null)));
    out.add(residuals(rows, analysis, facts));
    if (rows.stream().anyMatch(r -> r.info() != null && r.info().branched())) {
      out.add(trunks(rows, curves));
    }
    if (!curves.isEmpty()) {
      out.add(learningCurves(curves));
    }
    return out.stream().filter(c -> !c.isEmpty()).toList();
  }

  /** The law drawn through the data: the first joint law fitted (Chinchilla by default). */
  static LawFit mainFit(ScalingAnalysis a) {
    return a.fits().stream()
        .filter(f -> f.form().law().scope() == Law.Scope.JOINT)
        .findFirst()
        .orElse(null);
  }

  /**
   * The band of {@code f} over {@code xs}: at each x the central {@code level} share of {@code
   * at(sample, x)} over the bootstrap's fitted laws; null without at least 10 finite samples.
   */
  static Band band(
      String name,
      LawFit fit,
      double[] xs,
      java.util.function.BiFunction<LawParams, Double, Double> at) {
    if (fit == null || fit.bootstrap() == null || fit.bootstrap().samples().size() < 10) {
      return null;
    }
    double tail = (1 - fit.bootstrap().level()) / 2;
    double[] lo = new double[xs.length];
    double[] hi = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      final double x = xs[i];
      double[] v =
          fit.bootstrap().samples().stream()
              .map(p -> at.apply(p, x))
              .filter(y -> y != null && Double.isFinite(y) && y > 0)
              .mapToDouble(Double::doubleValue)
              .sorted()
              .toArray();
      if (v.length < 10) {
        return null;
      }
      lo[i] = Quantiles.quantile(v, tail);
      hi[i] = Quantiles.quantile(v, 1 - tail);
    }
    return new Band(name, xs, lo, hi);
  }

  /** A measured row as a point: its loss with its evaluation noise and what hovering shows. */
  static Point point(double x, TrialPoint r) {
    double err = r.info() == null ? Double.NaN : r.info().lossStderr();
    return new Point(x, r.point().loss(), err, tip(r));
  }

  /** A measured row's tooltip: its trial id, then width, depth, N, D, lr, batch and loss. */
  static Tip tip(TrialPoint r) {
    List<String> f = new ArrayList<>();
    TrialInfo i = r.info();
    if (i != null) {
      f.addAll(List.of("width", String.valueOf(i.width()), "depth", String.valueOf(i.depth())));
    }
    f.addAll(List.of("N", fmt(r.point().n()), "D", fmt(r.point().d())));
    if (i != null) {
      f.addAll(
          List.of(
              "lr",
              fmt(i.learningRate()),
              "batch",
              i.batchSize() + " sequences (" + i.batchTokens() + " tokens)"));
    }
    double err = i == null ? Double.NaN : i.lossStderr();
    f.addAll(
        List.of(
            "loss",
            String.format(Locale.ROOT, "%.4f", r.point().loss())
                + (Double.isFinite(err) ? String.format(Locale.ROOT, " ± %.4f", err) : "")));
    if (r.weighted()) {
      f.addAll(List.of("predicted branch", "weight " + fmt(r.weight())));
    }
    if (i != null && i.branched()) {
      f.addAll(List.of("trunk", i.trunkId(), "fork step", String.valueOf(i.forkStep())));
    }
    return Tip.of(r.trialId() == null ? "row" : r.trialId(), f.toArray(String[]::new));
  }

  /**
   * Loss against N for each D (or against D for each N) with the law at that D (or N), shaded by
   * its bootstrap band where the fit kept its resamples.
   */
  static Chart lossVs(List<TrialPoint> rows, LawFit fit, boolean overN) {
    LawParams law = fit == null ? null : fit.fit().params();
    Chart c =
        Chart.of(
            overN
                ? "Loss vs N for each D, with the fitted law"
                : "Loss vs D for each N, with the fitted law",
            Axis.log(overN ? "N (parameters)" : "D (tokens)"),
            Axis.log(LOSS));
    Map<Double, List<TrialPoint>> groups =
        rows.stream()
            .collect(
                Collectors.groupingBy(
                    r -> round3(overN ? r.point().d() : r.point().n()),
                    TreeMap::new,
                    Collectors.toList()));
    double lo = rows.stream().mapToDouble(r -> along(r, overN)).min().orElse(1);
    double hi = rows.stream().mapToDouble(r -> along(r, overN)).max().orElse(10);
    for (Double key : pick(new ArrayList<>(groups.keySet()))) {
      List<TrialPoint> g = groups.get(key);
      // The group's own (mean) value, not the 3-digit key: curves are drawn at the D or N trained.
      double k =
          g.stream().mapToDouble(r -> overN ? r.point().d() : r.point().n()).average().orElse(key);
      String name = (overN ? "D=" : "N=") + compact(k);
      c =
          c.with(
              new Series(
                  name,
                  Style.POINTS,
                  g.stream()
                      .sorted(Comparator.comparingDouble(r -> along(r, overN)))
                      .map(r -> point(along(r, overN), r))
                      .toList()));
      if (law != null) {
        double[] xs = logSpace(lo, hi, 60);
        double[] ys =
            Arrays.stream(xs).map(x -> overN ? law.predict(x, k) : law.predict(k, x)).toArray();
        c = c.with(Series.of(name, Style.LINE, xs, ys));
        Band b = band(name, fit, xs, (p, x) -> overN ? p.predict(x, k) : p.predict(k, x));
        if (b != null) {
          c = c.with(b);
        }
      }
    }
    return c;
  }

  private static double along(TrialPoint r, boolean overN) {
    return overN ? r.point().n() : r.point().d();
  }

  /**
   * Every row's loss against its compute 6ND, and the law's compute-optimal frontier beyond, shaded
   * by its bootstrap band where the fit kept its resamples.
   */
  static Chart lossVsCompute(List<TrialPoint> rows, LawFit allocationLaw) {
    Chart c =
        Chart.of(
            "Loss vs compute (6ND) with the compute-optimal frontier",
            Axis.log("C (FLOPs)"),
            Axis.log(LOSS));
    c =
        c.with(
            new Series(
                "trials",
                Style.POINTS,
                rows.stream()
                    .sorted(Comparator.comparingDouble(r -> r.point().compute()))
                    .map(r -> point(r.point().compute(), r))
                    .toList()));
    if (allocationLaw != null && allocationLaw.computeOptimal().isPresent()) {
      ComputeOptimal o = allocationLaw.computeOptimal().get();
      LawParams law = allocationLaw.fit().params();
      double lo = rows.stream().mapToDouble(r -> r.point().compute()).min().orElse(1);
      double hi = rows.stream().mapToDouble(r -> r.point().compute()).max().orElse(10);
      double[] xs = logSpace(lo, hi * 10, 60);
      double[] ys = Arrays.stream(xs).map(x -> law.predict(o.nOpt(x), o.dOpt(x))).toArray();
      String name = "compute-optimal frontier (" + allocationLaw.form().label() + ")";
      c = c.with(Series.of(name, Style.LINE, xs, ys));
      Band b =
          band(
              name,
              allocationLaw,
              xs,
              (p, x) -> p.computeOptimal().map(q -> p.predict(q.nOpt(x), q.dOpt(x))).orElse(null));
      if (b != null) {
        c = c.with(b);
      }
    }
    return c;
  }

  /**
   * Each joint law's residuals (measured - law) in units of the evaluation noise against compute,
   * with the band of two noise units; in log ratio where the noise is unknown.
   */
  static Chart residuals(List<TrialPoint> rows, ScalingAnalysis a, SweepFacts facts) {
    boolean noise = facts.evalNoise() != null && facts.evalNoise() > 0;
    Chart c =
        Chart.of(
            noise
                ? "Residuals (measured - law) in units of the evaluation noise"
                : "Residuals log(measured / law)",
            Axis.log("C (FLOPs)"),
            Axis.linear(noise ? "(loss - law) / evaluation noise" : "log(loss / law)"));
    for (LawFit f : a.fits()) {
      if (f.form().law().scope() != Law.Scope.JOINT) {
        continue;
      }
      LawParams p = f.fit().params();
      List<Point> pts = new ArrayList<>();
      for (TrialPoint r : rows) {
        ScalingPoint q = r.point();
        double pred = p.predict(q.n(), q.d());
        double y = noise ? (q.loss() - pred) / facts.evalNoise() : Math.log(q.loss() / pred);
        if (Double.isFinite(y)) {
          Tip t = tip(r);
          List<dev.scaling.driver.report.chart.Field> fields = new ArrayList<>(t.fields());
          fields.add(new dev.scaling.driver.report.chart.Field(f.form().label(), fmt(pred)));
          fields.add(new dev.scaling.driver.report.chart.Field("residual", fmt(y)));
          pts.add(new Point(q.compute(), y, Double.NaN, new Tip(t.title(), fields)));
        }
      }
      pts.sort(Comparator.comparingDouble(Point::x));
      c = c.with(new Series(f.form().label(), Style.POINTS, pts));
    }
    if (noise && !rows.isEmpty()) {
      double lo = rows.stream().mapToDouble(r -> r.point().compute()).min().orElseThrow();
      double hi = rows.stream().mapToDouble(r -> r.point().compute()).max().orElseThrow();
      String name = "±2 × evaluation noise";
      c = c.with(Series.of(name, Style.DASHED, new double[] {lo, hi}, new double[] {0, 0}));
      c = c.with(new Band(name, new double[] {lo, hi}, new double[] {-2, -2}, new double[] {2, 2}));
    }
    return c;
  }

  /**
   * Loss against N per budget, the fitted quadratics in log N and their vertices (those at the
   * grid's edge, left out of the fit, apart).
   */
  static Chart isoflopProfiles(Allocation iso, List<TrialPoint> rows) {
    Chart c =
        Chart.of(
            "IsoFLOP profiles: loss vs N per budget, quadratics in log N and their vertices",
            Axis.log("N (parameters)"),
            Axis.linear(LOSS));
    List<Point> vertices = new ArrayList<>();
    List<Point> edges = new ArrayList<>();
    for (Allocation.Profile p : iso.profiles()) {
      String name = String.format(Locale.ROOT, "C=%.3g", p.compute());
      List<Point> pts = new ArrayList<>();
      for (int i = 0; i < p.n().size(); i++) {
        double n = p.n().get(i);
        double loss = p.loss().get(i);
        TrialPoint row =
            rows.stream()
                .filter(r -> r.point().n() == n && r.point().loss() == loss)
                .findFirst()
                .orElse(null);
        pts.add(row == null ? Point.of(n, loss) : point(n, row));
      }
      c = c.with(new Series(name, Style.POINTS, pts));
      if (Double.isFinite(p.c2())) {
        double[] xs = logSpace(p.n().get(0), p.n().get(p.n().size() - 1), 50);
        c = c.with(Series.of(name, Style.LINE, xs, Arrays.stream(xs).map(p::predict).toArray()));
      }
      if (Double.isFinite(p.vertexN())) {
        Tip t =
            Tip.of(
                "vertex of " + name,
                "N*",
                fmt(p.vertexN()),
                "D*",
                fmt(p.vertexD()),
                "loss",
                String.format(Locale.ROOT, "%.4f", p.predict(p.vertexN())),
                "position in log N range",
                String.format(Locale.ROOT, "%.2f", p.position()));
        (p.atEdge() ? edges : vertices)
            .add(new Point(p.vertexN(), p.predict(p.vertexN()), Double.NaN, t));
      }
    }
    if (!vertices.isEmpty()) {
      c = c.with(new Series("vertex N*(C)", Style.POINTS, vertices));
    }
    if (!edges.isEmpty()) {
      c = c.with(new Series("vertex at the grid's edge (left out)", Style.POINTS, edges));
    }
    return c;
  }

  /**
   * N_opt against C per approach: the line N = G C^a out to the target compute, shaded between the
   * ends of a's interval (pivoting where the approach's points are), and the points it fitted.
   */
  static Chart nOptVsCompute(AllocationStudy study) {
    Chart c =
        Chart.of(
            "N_opt vs compute by approach (shaded: interval of the exponent a)",
            Axis.log("C (FLOPs)"),
            Axis.log("N_opt (parameters)"));
    double lo = study.study().compute().stream().mapToDouble(Double::doubleValue).min().orElse(1);
    double hi = study.study().targetCompute();
    double maxC =
        study.study().compute().stream().mapToDouble(Double::doubleValue).max().orElse(lo);
    for (Allocation e : study.estimates()) {
      String name = e.approach().label() + String.format(Locale.ROOT, " (a=%.3f)", e.a());
      double[] xs = logSpace(lo, hi, 40);
      c = c.with(Series.of(name, Style.LINE, xs, Arrays.stream(xs).map(e::nOpt).toArray()));
      if (e.ciA() != null) {
        double pivot =
            e.frontier().isEmpty()
                ? Math.sqrt(lo * maxC)
                : Math.exp(
                    e.frontier().stream()
                        .mapToDouble(f -> Math.log(f.compute()))
                        .average()
                        .orElseThrow());
        double[] a =
            Arrays.stream(xs).map(x -> e.nOpt(pivot) * Math.pow(x / pivot, e.ciA().lo())).toArray();
        double[] b =
            Arrays.stream(xs).map(x -> e.nOpt(pivot) * Math.pow(x / pivot, e.ciA().hi())).toArray();
        double[] bottom = new double[xs.length];
        double[] top = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
          bottom[i] = Math.min(a[i], b[i]);
          top[i] = Math.max(a[i], b[i]);
        }
        c = c.with(new Band(name, xs, bottom, top));
      }
      if (!e.frontier().isEmpty()) {
        List<Point> pts = new ArrayList<>();
        for (Allocation.FrontierPoint f : e.frontier()) {
          pts.add(
              new Point(
                  f.compute(),
                  f.n(),
                  Double.NaN,
                  Tip.of(
                      e.approach() == ApproachKind.ISOFLOP
                          ? "budget vertex"
                          : e.approach().label() + ": run on the hull",
                      "C",
                      fmt(f.compute()),
                      "N*",
                      fmt(f.n()),
                      "D*",
                      fmt(f.d()),
                      "loss",
                      String.format(Locale.ROOT, "%.4f", f.loss()))));
        }
        c = c.with(new Series(name, Style.POINTS, pts));
      }
    }
    double target = study.study().targetCompute();
    double yLo = study.estimates().stream().mapToDouble(e -> e.nOpt(lo)).min().orElse(1);
    double yHi = study.estimates().stream().mapToDouble(e -> e.nOpt(target)).max().orElse(10);
    return c.with(
        Series.of(
            String.format(Locale.ROOT, "target C=%.3g", target),
            Style.DASHED,
            new double[] {target, target},
            new double[] {yLo, yHi}));
  }

  /**
   * Each wsd trunk's held-out loss against tokens up to its last fork, each branch's cooldown from
   * its fork, and each branch's final loss (with its evaluation noise) at its D.
   */
  static Chart trunks(List<TrialPoint> rows, List<CurveSample> curves) {
    Chart c =
        Chart.of(
            "wsd trunks and their branches: loss vs tokens (line: trunk and cooldowns; points:"
                + " each branch's final loss)",
            Axis.log("tokens"),
            Axis.log(LOSS));
    Map<String, List<CurveSample>> byTrial =
        curves.stream().collect(Collectors.groupingBy(CurveSample::trialId));
    Map<String, List<TrialPoint>> byTrunk = new LinkedHashMap<>();
    rows.stream()
        .filter(r -> r.info() != null && r.info().branched())
        .sorted(Comparator.comparingDouble(r -> r.point().n()))
        .forEach(r -> byTrunk.computeIfAbsent(r.info().trunkId(), k -> new ArrayList<>()).add(r));
    for (List<TrialPoint> branches : byTrunk.values()) {
      TrialInfo first = branches.get(0).info();
      String name =
          String.format(
              Locale.ROOT,
              "trunk w=%d d=%d lr=%s",
              first.width(),
              first.depth(),
              fmt(first.learningRate()));
      TrialPoint furthest =
          branches.stream().max(Comparator.comparingLong(r -> r.info().forkStep())).orElseThrow();
      List<CurveSample> trunk =
          byTrial.getOrDefault(furthest.trialId(), List.of()).stream()
              .filter(s -> s.step() <= furthest.info().forkStep())
              .toList();
      c = c.with(curveSeries(name, Style.LINE, trunk));
      for (TrialPoint b : branches) {
        List<CurveSample> own = byTrial.getOrDefault(b.trialId(), List.of());
        // From the last evaluation at or before the fork, so the cooldown meets its trunk.
        long from =
            own.stream()
                .filter(s -> s.step() <= b.info().forkStep() && Double.isFinite(s.evalLoss()))
                .mapToLong(CurveSample::step)
                .max()
                .orElse(b.info().forkStep());
        List<CurveSample> cooldown = own.stream().filter(s -> s.step() >= from).toList();
        c = c.with(curveSeries(name, Style.DASHED, cooldown));
      }
      c =
          c.with(
              new Series(
                  name,
                  Style.POINTS,
                  branches.stream()
                      .sorted(Comparator.comparingDouble(r -> r.point().d()))
                      .map(r -> point(r.point().d(), r))
                      .toList()));
    }
    return c;
  }

  /**
   * A curve's held-out losses against tokens where it has at least two, else its training losses.
   */
  private static Series curveSeries(String name, Style style, List<CurveSample> samples) {
    List<CurveSample> s =
        samples.stream()
            .filter(x -> x.tokens() > 0)
            .sorted(Comparator.comparingLong(CurveSample::step))
            .toList();
    boolean eval =
        s.stream().filter(x -> Double.isFinite(x.evalLoss()) && x.evalLoss() > 0).count() >= 2;
    List<Point> pts = new ArrayList<>();
    for (CurveSample x : s) {
      double y = eval ? x.evalLoss() : x.trainLoss();
      if (Double.isFinite(y) && y > 0) {
        pts.add(Point.of(x.tokens(), y));
      }
    }
    return new Series(name, style, pts);
  }

  /** Every trial's learning curve against its step (log axis). */
  static Chart learningCurves(List<CurveSample> curves) {
    Chart c =
        Chart.of(
            "Learning curves (held-out loss, training loss where not evaluated)",
            Axis.log("step"),
            Axis.log(LOSS));
    Map<String, List<CurveSample>> byTrial =
        curves.stream()
            .filter(s -> s.step() > 0)
            .collect(
                Collectors.groupingBy(CurveSample::trialId, TreeMap::new, Collectors.toList()));
    for (Map.Entry<String, List<CurveSample>> e : byTrial.entrySet()) {
      List<CurveSample> s =
          e.getValue().stream()
              .filter(x -> Double.isFinite(x.evalLoss()) ? x.evalLoss() > 0 : x.trainLoss() > 0)
              .sorted(Comparator.comparingLong(CurveSample::step))
              .toList();
      int every = Math.max(1, (int) Math.ceil(s.size() / (double) MAX_CURVE_POINTS));
      List<Point> pts = new ArrayList<>();
      for (int i = 0; i < s.size(); i++) {
        CurveSample x = s.get(i);
        boolean evaluated = Double.isFinite(x.evalLoss());
        if (evaluated || i % every == 0 || i == s.size() - 1) {
          pts.add(Point.of(x.step(), evaluated ? x.evalLoss() : x.trainLoss()));
        }
      }
      if (!pts.isEmpty()) {
        c = c.with(new Series(e.getKey(), Style.LINE, pts));
      }
    }
    return c;
  }

  private static List<Double> pick(List<Double> keys) {
    if (keys.size() <= MAX_SERIES) {
      return keys;
    }
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < MAX_SERIES; i++) {
      out.add(keys.get((int) Math.round(i * (keys.size() - 1) / (double) (MAX_SERIES - 1))));
    }
    return out;
  }

  /**
   * A value as a legend names it: integers below 1e5 in full (768, 8192, 16384), others with up to
   * 4 significant digits, large or small ones as mantissa and exponent (2e7, 1.6e8, 2.097e6).
   */
  static String compact(double v) {
    double a = Math.abs(v);
    if (a != 0 && (a >= 1e5 || a < 1e-3)) {
      int e = (int) Math.floor(Math.log10(a));
      double m = v / Math.pow(10, e);
      if (Math.abs(Math.round(m * 1000) / 1000.0) >= 10) {
        m /= 10;
        e++;
      }
      return trim(String.format(Locale.ROOT, "%.3f", m)) + "e" + e;
    }
    if (v == Math.rint(v)) {
      return String.valueOf((long) v);
    }
    return new java.math.BigDecimal(v)
        .round(new java.math.MathContext(4))
        .stripTrailingZeros()
        .toPlainString();
  }

  private static String trim(String s) {
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  private static double round3(double v) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.3g", v));
  }
}
