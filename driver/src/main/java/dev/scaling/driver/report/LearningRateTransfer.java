package dev.scaling.driver.report;

import dev.scaling.common.spec.InvariantViolation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The best learning rate against model size, for a sweep with a learning-rate axis: per (N, D) the
 * learning rate of the lowest final loss, and per D with at least two sizes the least-squares trend
 * log η* = a + b·log N with the slope's standard error. Under a parametrization that transfers
 * across width (muP) the slope should be near 0; under the standard one the best learning rate
 * usually falls as N grows. The report shows it and the run prints it.
 *
 * @param parametrization the sweep's parametrization label ({@code standard}, {@code
 *     mup(base_width=32)}), or null when the rows do not say
 * @param best the best learning rate of every (N, D) with at least two learning rates tried,
 *     ascending in D then N
 * @param trends one fitted trend per D with at least two sizes, ascending in D
 */
public record LearningRateTransfer(String parametrization, List<Best> best, List<Trend> trends) {

  public LearningRateTransfer {
    best = List.copyOf(best);
    trends = List.copyOf(trends);
  }

  /**
   * One finished trial as this analysis sees it.
   *
   * @param n non-embedding parameters
   * @param d training tokens
   * @param learningRate the trial's peak learning rate
   * @param loss its final evaluation loss
   */
  public record Row(double n, double d, double learningRate, double loss) {}

  /**
   * The best learning rate of one model size at one D.
   *
   * @param n non-embedding parameters
   * @param d training tokens
   * @param learningRate the learning rate of the lowest loss
   * @param loss that loss
   * @param tried how many learning rates finished for this (N, D)
   * @param atEdge whether it is the smallest or the largest learning rate tried (the optimum may
   *     lie beyond the grid)
   */
  public record Best(
      double n, double d, double learningRate, double loss, int tried, boolean atEdge) {}

  /**
   * The least-squares line log η* = a + b·log N (natural logarithms) at one D.
   *
   * @param d training tokens
   * @param a intercept
   * @param b slope
   * @param slopeStdError standard error of b (NaN with only two sizes)
   * @param sizes number of model sizes fitted
   */
  public record Trend(double d, double a, double b, double slopeStdError, int sizes) {}

  /**
   * The analysis of {@code rows}, or null when no (N, D) tried two or more learning rates (no
   * learning-rate axis).
   *
   * @param parametrization the sweep's parametrization label, or null
   */
  public static LearningRateTransfer of(String parametrization, List<Row> rows) {
    Map<Double, Map<Double, List<Row>>> byDn = new TreeMap<>();
    for (Row r : rows) {
      if (Double.isFinite(r.loss()) && r.learningRate() > 0) {
        byDn.computeIfAbsent(r.d(), k -> new TreeMap<>())
            .computeIfAbsent(r.n(), k -> new ArrayList<>())
            .add(r);
      }
    }
    List<Best> best = new ArrayList<>();
    List<Trend> trends = new ArrayList<>();
    for (Map.Entry<Double, Map<Double, List<Row>>> atD : byDn.entrySet()) {
      List<Best> ofD = new ArrayList<>();
      for (List<Row> ofN : atD.getValue().values()) {
        long rates = ofN.stream().mapToDouble(Row::learningRate).distinct().count();
        if (rates < 2) {
          continue;
        }
        Row min = ofN.stream().min(Comparator.comparingDouble(Row::loss)).orElseThrow();
        double lo = ofN.stream().mapToDouble(Row::learningRate).min().orElseThrow();
        double hi = ofN.stream().mapToDouble(Row::learningRate).max().orElseThrow();
        ofD.add(
            new Best(
                min.n(),
                min.d(),
                min.learningRate(),
                min.loss(),
                (int) rates,
                min.learningRate() == lo || min.learningRate() == hi));
      }
      best.addAll(ofD);
      if (ofD.size() >= 2) {
        trends.add(fit(atD.getKey(), ofD));
      }
    }
    return best.isEmpty() ? null : new LearningRateTransfer(parametrization, best, trends);
  }

  /** Ordinary least squares of log η* on log N. */
  static Trend fit(double d, List<Best> points) {
    int k = points.size();
    InvariantViolation.check(k >= 2, "a trend needs two sizes, found " + k);
    double mx = 0;
    double my = 0;
    for (Best p : points) {
      mx += Math.log(p.n()) / k;
      my += Math.log(p.learningRate()) / k;
    }
    double sxx = 0;
    double sxy = 0;
    for (Best p : points) {
      double dx = Math.log(p.n()) - mx;
      sxx += dx * dx;
      sxy += dx * (Math.log(p.learningRate()) - my);
    }
    double b = sxy / sxx;
    double a = my - b * mx;
    double se = Double.NaN;
    if (k > 2) {
      double ssr = 0;
      for (Best p : points) {
        double r = Math.log(p.learningRate()) - (a + b * Math.log(p.n()));
        ssr += r * r;
      }
      se = Math.sqrt(ssr / (k - 2) / sxx);
    }
    return new Trend(d, a, b, se, k);
  }

  /** A few plain-text lines: the best learning rate per (N, D) and each D's trend. */
  public String summary() {
    StringBuilder s = new StringBuilder();
    s.append("best learning rate vs N");
    if (parametrization != null) {
      s.append(" (parametrization ").append(parametrization).append(')');
    }
    s.append(":\n");
    for (Best b : best) {
      s.append(
          String.format(
              Locale.ROOT,
              "  D=%.4g N=%.4g: lr %.4g (loss %.4f, %d rates tried%s)%n",
              b.d(),
              b.n(),
              b.learningRate(),
              b.loss(),
              b.tried(),
              b.atEdge() ? ", at the edge of the grid" : ""));
    }
    for (Trend t : trends) {
      s.append(String.format(Locale.ROOT, "  D=%.4g: %s%n", t.d(), describe(t)));
    }
    return s.toString();
  }

  /** The trend as "log lr* = a + b log N, slope b ± se (k sizes)". */
  static String describe(Trend t) {
    return String.format(
        Locale.ROOT,
        "log lr* = %.3f %+.3f log N, slope %.3f %s (%d sizes)",
        t.a(),
        t.b(),
        t.b(),
        Double.isNaN(t.slopeStdError())
            ? "(no standard error from 2 sizes)"
            : String.format(Locale.ROOT, "± %.3f s.e.", t.slopeStdError()),
        t.sizes());
  }
}
