package dev.scaling.driver.report.chart;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Bounds what one chart carries into a page, so a report of 10 000 trials stays a few megabytes and
 * draws in a browser: at most {@link #MAX_SERIES} legend names (evenly spaced in the chart's order;
 * names drawn in another style than the chart's most common one, such as a fitted law or a frontier
 * among trials' curves, are always kept) and about {@link #MAX_POINTS} points, shared out so that a
 * series smaller than its fair share stays whole and the larger ones are thinned to evenly spaced
 * points (first and last kept). A chart within both bounds is unchanged; a thinned one comes with a
 * note saying what it shows. Deterministic: the same chart is thinned the same way every time.
 * Called on the thread writing the page.
 */
public final class ChartBudget {
  /** Most legend names a chart keeps. */
  public static final int MAX_SERIES = 60;

  /** Points a chart keeps, about (each thinned series keeps at least 2). */
  public static final int MAX_POINTS = 1200;

  private ChartBudget() {}

  /**
   * A chart within the bounds and what was left out of it.
   *
   * @param chart the chart to draw
   * @param note what the chart shows of the original (e.g. "1 200 of 9 935 points"), null when
   *     nothing was left out
   */
  public record Bounded(Chart chart, String note) {}

  /** {@code chart} within {@link #MAX_SERIES} names and about {@link #MAX_POINTS} points. */
  public static Bounded of(Chart chart) {
    return of(chart, MAX_SERIES, MAX_POINTS);
  }

  /** {@code chart} within {@code maxSeries} names and about {@code maxPoints} points. */
  public static Bounded of(Chart chart, int maxSeries, int maxPoints) {
    if (maxSeries < 1 || maxPoints < 2) {
      throw new IllegalArgumentException(
          "a chart budget needs at least 1 series and 2 points, found "
              + maxSeries
              + " and "
              + maxPoints);
    }
    List<Series> series = chart.series();
    Set<String> names = new LinkedHashSet<>();
    series.forEach(s -> names.add(s.name()));
    List<String> notes = new ArrayList<>();
    if (names.size() > maxSeries) {
      Set<String> kept = keptNames(series, names, maxSeries);
      series = series.stream().filter(s -> kept.contains(s.name())).toList();
      notes.add(
          String.format(
              Locale.ROOT,
              "%d of %d series (evenly spaced in the legend's order)",
              kept.size(),
              names.size()));
    }
    int total = series.stream().mapToInt(s -> s.points().size()).sum();
    if (total > maxPoints) {
      int[] quota = quotas(series, maxPoints);
      List<Series> thinned = new ArrayList<>(series.size());
      int shown = 0;
      for (int i = 0; i < series.size(); i++) {
        Series s = series.get(i);
        List<Point> pts = thin(s.points(), quota[i]);
        shown += pts.size();
        thinned.add(pts == s.points() ? s : new Series(s.name(), s.style(), pts));
      }
      series = thinned;
      notes.add(
          String.format(
              Locale.ROOT, "%d of %d points (evenly spaced within each series)", shown, total));
    }
    if (notes.isEmpty()) {
      return new Bounded(chart, null);
    }
    return new Bounded(
        new Chart(chart.title(), chart.x(), chart.y(), series, chart.bands()),
        "Showing " + String.join(" and ", notes) + " to keep the page light.");
  }

  /**
   * The names kept: every name with a series in a style other than the most common one, then the
   * others evenly spaced (first and last kept) up to {@code max} in all.
   */
  private static Set<String> keptNames(List<Series> series, Set<String> names, int max) {
    Map<Style, Integer> byStyle = new EnumMap<>(Style.class);
    series.forEach(s -> byStyle.merge(s.style(), 1, Integer::sum));
    Style common =
        byStyle.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    Set<String> pinned = new LinkedHashSet<>();
    series.stream().filter(s -> s.style() != common).forEach(s -> pinned.add(s.name()));
    List<String> others = names.stream().filter(n -> !pinned.contains(n)).toList();
    Set<String> kept = new LinkedHashSet<>();
    int room = Math.max(1, max - pinned.size());
    Set<String> chosen = new LinkedHashSet<>(thin(others, room));
    for (String n : names) {
      if (pinned.contains(n) || chosen.contains(n)) {
        kept.add(n);
      }
    }
    return kept;
  }

  /**
   * Each series' quota of {@code budget} points by water-filling: in order of size, a series no
   * larger than an equal share of what is left keeps all its points, a larger one gets that share
   * (at least 2).
   */
  private static int[] quotas(List<Series> series, int budget) {
    Integer[] order = new Integer[series.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, Comparator.comparingInt(i -> series.get(i).points().size()));
    int[] quota = new int[series.size()];
    int left = budget;
    for (int k = 0; k < order.length; k++) {
      int n = series.get(order[k]).points().size();
      int share = Math.max(2, left / (order.length - k));
      quota[order[k]] = Math.min(n, share);
      left = Math.max(0, left - quota[order[k]]);
    }
    return quota;
  }

  /** At most {@code max} of {@code items}, evenly spaced, the first and last kept. */
  static <T> List<T> thin(List<T> items, int max) {
    if (items.size() <= max) {
      return items;
    }
    if (max == 1) {
      return List.of(items.get(0));
    }
    List<T> out = new ArrayList<>(max);
    for (int i = 0; i < max; i++) {
      out.add(items.get((int) Math.round(i * (items.size() - 1) / (double) (max - 1))));
    }
    return out;
  }
}
