package dev.scaling.driver.report.chart;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Writes charts into HTML: {@link #script()} once per page (ECharts and the glue that draws every
 * {@code div.chart}), and {@link #div} per chart (its title and its data as JSON). Called on the
 * thread writing the page; it does no I/O beyond reading the inlined scripts from the classpath.
 */
public final class ChartHtml {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The WebJar's Maven coordinates, for its version. */
  private static final String WEBJAR_POM = "META-INF/maven/org.webjars.npm/echarts/pom.properties";

  /**
   * ECharts' "common" bundle: line, scatter, legend, tooltip, mark lines, the SVG renderer and
   * server-side rendering to an SVG string, at about 650 kB (the full bundle is 1 MB).
   */
  private static final String ECHARTS =
      "META-INF/resources/webjars/echarts/%s/dist/echarts.common.min.js";

  /** The glue: draws every {@code div.chart} from its {@code data-chart} JSON. */
  private static final String GLUE = "dev/scaling/driver/report/chart/charts.js";

  private static volatile String source;

  private ChartHtml() {}

  /**
   * The {@code <script>} element to put once in a page's {@code <head>}: ECharts inlined from its
   * WebJar and the glue that draws each chart div when the page loads.
   */
  public static String script() {
    return "<script>\n" + scriptSource() + "\n</script>";
  }

  /**
   * The JavaScript of {@link #script()} without the element, for a page that loads it from a URL
   * (the Sweep page serves it beside itself, so its reloads do not carry it each time).
   */
  public static String scriptSource() {
    String s = source;
    if (s == null) {
      String version = echartsVersion();
      s = resource(String.format(ECHARTS, version)) + "\n" + resource(GLUE);
      if (s.contains("</script")) {
        throw new IllegalStateException("chart script must not contain </script");
      }
      source = s;
    }
    return s;
  }

  /** The ECharts version on the classpath, from its WebJar's Maven properties. */
  public static String echartsVersion() {
    Properties p = new Properties();
    try (InputStream in = ChartHtml.class.getClassLoader().getResourceAsStream(WEBJAR_POM)) {
      if (in == null) {
        throw new IllegalStateException(
            "the ECharts WebJar (org.webjars.npm:echarts) is not on the classpath: " + WEBJAR_POM);
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + WEBJAR_POM, e);
    }
    return p.getProperty("version");
  }

  private static String resource(String path) {
    try (InputStream in = ChartHtml.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("chart script " + path + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read chart script " + path, e);
    }
  }

  /**
   * The chart under an {@code <h3>} of its title, as a div the glue script draws; a large chart is
   * first {@linkplain ChartBudget bounded}, with a line under the title saying what it shows.
   */
  public static String div(Chart chart) {
    ChartBudget.Bounded b = ChartBudget.of(chart);
    return "<h3>"
        + esc(chart.title())
        + "</h3>"
        + (b.note() == null ? "" : "<p class=\"chart-note\">" + esc(b.note()) + "</p>")
        + bare(b.chart(), null);
  }

  /**
   * The chart's div alone, without a heading, with {@code id} (null for none): for a page that
   * heads the chart itself.
   */
  public static String bare(Chart chart, String id) {
    return "<div class=\"chart\""
        + (id == null ? "" : " id=\"" + esc(id) + "\"")
        + " data-chart='"
        + attribute(json(chart))
        + "'></div>";
  }

  /** The chart's model as JSON, as the glue script reads it. */
  public static String json(Chart chart) {
    try {
      return JSON.writeValueAsString(chart);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write chart " + chart.title() + " as JSON", e);
    }
  }

  /**
   * JSON escaped for a single-quoted attribute: its many double quotes stay as they are (escaped
   * they would nearly double a large chart's size).
   */
  private static String attribute(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
