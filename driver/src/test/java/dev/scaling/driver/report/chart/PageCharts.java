package dev.scaling.driver.report.chart;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The charts of a written page, read back from its {@code data-chart} attributes into the typed
 * model: tests assert on series, point counts and axis scales of what the browser will draw.
 */
public final class PageCharts {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DIV =
      Pattern.compile(
          "<div class=\"chart\"(?: id=\"[^\"]*\")? data-chart=(?:\"([^\"]*)\"|'([^']*)')");

  private PageCharts() {}

  /** Every chart of {@code html}, in page order. */
  public static List<Chart> of(String html) {
    List<Chart> out = new ArrayList<>();
    Matcher m = DIV.matcher(html);
    while (m.find()) {
      String json =
          (m.group(1) != null ? m.group(1) : m.group(2))
              .replace("&quot;", "\"")
              .replace("&#39;", "'")
              .replace("&lt;", "<")
              .replace("&gt;", ">")
              .replace("&amp;", "&");
      try {
        out.add(JSON.readValue(json, Chart.class));
      } catch (IOException e) {
        throw new UncheckedIOException(
            "chart JSON does not read back: " + json.substring(0, Math.min(300, json.length())), e);
      }
    }
    return out;
  }

  /** The chart of {@code html} whose title starts with {@code prefix}; fails when none. */
  public static Chart titled(String html, String prefix) {
    return of(html).stream()
        .filter(c -> c.title().startsWith(prefix))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no chart titled '"
                        + prefix
                        + "...' among "
                        + of(html).stream().map(Chart::title).toList()));
  }

  /** The points of every series named {@code name} with style {@code style}. */
  public static List<Point> points(Chart c, String name, Style style) {
    return c.series().stream()
        .filter(s -> s.name().equals(name) && s.style() == style)
        .flatMap(s -> s.points().stream())
        .toList();
  }
}
