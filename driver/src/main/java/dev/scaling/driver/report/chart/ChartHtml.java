package dev.scaling.driver.report.chart;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Writes charts into HTML: {@link #script()} once per page (ECharts and the glue that draws every
 * {@code div.chart}), and {@link #div} per chart (its title and its data as JSON). Called on the
 * thread writing the page; it does no I/O beyond reading the inlined scripts from the classpath.
 */
public final class ChartHtml {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ChartHtml() {}

  /**
   * The {@code <script>} elements to put once in a page's {@code <head>}: ECharts inlined from its
   * WebJar and the glue that draws each chart div when the page loads.
   */
  public static String script() {
    // SKELETON: the charts work fills this in (ECharts 5.3.1 WebJar + glue resource).
    return "";
  }

  /** The chart under an {@code <h3>} of its title, as a div the glue script draws. */
  public static String div(Chart chart) {
    return "<h3>"
        + esc(chart.title())
        + "</h3><div class=\"chart\" data-chart=\""
        + esc(json(chart))
        + "\"></div>";
  }

  /** The chart's model as JSON, as the glue script reads it. */
  public static String json(Chart chart) {
    try {
      return JSON.writeValueAsString(chart);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write chart " + chart.title() + " as JSON", e);
    }
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
