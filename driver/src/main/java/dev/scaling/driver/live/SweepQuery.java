package dev.scaling.driver.live;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Which page of the trial table a poll of the Sweep page (or of {@code /sweep/json}) asks for: the
 * rows {@code offset} to {@code offset + limit} of the trials that pass the filters, in the order
 * {@code sort}. A sweep of thousands of trials is served one page at a time so that every poll
 * stays small; totals, aggregates, the running trials and the sampled curves always cover the whole
 * sweep. Jetty's request threads build it from query parameters ({@link #parse}).
 *
 * @param offset rows skipped, at least 0
 * @param limit rows returned, 1 to {@value #MAX_LIMIT}
 * @param sort one of {@link #SORTS}: {@code plan} (the plan's order, trunks first), or a column
 * @param descending the order reversed
 * @param statuses the statuses shown (labels of {@link LiveStatus}); empty for all
 * @param text a filter: whitespace-separated terms that must all match, each {@code key=value}
 *     ({@code width}, {@code depth}, {@code tokens} (or {@code w}, {@code d}), {@code status},
 *     {@code id}), a number equal to the width, depth or tokens, or a part of the id; case is
 *     ignored; empty for none
 */
public record SweepQuery(
    int offset, int limit, String sort, boolean descending, Set<String> statuses, String text) {

  /** Rows of a page unless the query says otherwise. */
  public static final int DEFAULT_LIMIT = 100;

  /** The largest page a poll may ask for. */
  public static final int MAX_LIMIT = 1000;

  /** The sort keys a query accepts. */
  public static final List<String> SORTS =
      List.of(
          "plan",
          "id",
          "width",
          "depth",
          "tokens",
          "flops",
          "status",
          "step",
          "eval_loss",
          "train_loss",
          "updated");

  /** The first page of every trial in plan order. */
  public static final SweepQuery FIRST_PAGE =
      new SweepQuery(0, DEFAULT_LIMIT, "plan", false, Set.of(), "");

  public SweepQuery {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be at least 0, found " + offset);
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + MAX_LIMIT + ", found " + limit);
    }
    if (!SORTS.contains(sort)) {
      throw new IllegalArgumentException("sort must be one of " + SORTS + ", found '" + sort + "'");
    }
    for (String s : statuses) {
      if (!isStatus(s)) {
        throw new IllegalArgumentException(
            "status must be one of "
                + List.of(LiveStatus.values()).stream().map(LiveStatus::label).toList()
                + ", found '"
                + s
                + "'");
      }
    }
    statuses = Set.copyOf(statuses);
    text = text == null ? "" : text.strip();
  }

  /**
   * The query of request parameters: {@code offset}, {@code limit}, {@code sort} (a leading {@code
   * -} sorts descending), {@code status} (comma-separated) and {@code q} (the text filter); absent
   * ones take the first page's values.
   *
   * @param param a parameter's value by name, null when absent
   * @throws IllegalArgumentException for a value out of range, with what was expected
   */
  public static SweepQuery parse(Function<String, String> param) {
    int offset = integer(param.apply("offset"), "offset", 0);
    int limit = integer(param.apply("limit"), "limit", DEFAULT_LIMIT);
    String sort = blank(param.apply("sort")) ? "plan" : param.apply("sort").strip();
    boolean descending = sort.startsWith("-");
    if (descending) {
      sort = sort.substring(1);
    }
    Set<String> statuses = new LinkedHashSet<>();
    String status = param.apply("status");
    if (!blank(status)) {
      for (String s : status.split(",")) {
        if (!s.isBlank()) {
          statuses.add(s.strip().toLowerCase(Locale.ROOT));
        }
      }
    }
    String q = param.apply("q");
    return new SweepQuery(offset, limit, sort, descending, statuses, q == null ? "" : q);
  }

  /** Whether the query shows every trial (no status or text filter). */
  public boolean unfiltered() {
    return statuses.isEmpty() && text.isEmpty();
  }

  /** This query at another offset. */
  public SweepQuery at(int newOffset) {
    return new SweepQuery(Math.max(0, newOffset), limit, sort, descending, statuses, text);
  }

  private static boolean isStatus(String s) {
    for (LiveStatus v : LiveStatus.values()) {
      if (v.label().equals(s)) {
        return true;
      }
    }
    return false;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static int integer(String s, String name, int absent) {
    if (blank(s)) {
      return absent;
    }
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, found '" + s + "'", e);
    }
  }
}
