package dev.scaling.driver.report.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChartHtmlTest {
  @Test
  void script_inlinesTheWebJarsEChartsAndTheGlueInOneElement() {
    String s = ChartHtml.script();
    assertEquals("5.3.1", ChartHtml.echartsVersion());
    assertTrue(s.startsWith("<script>") && s.endsWith("</script>"), s.substring(0, 40));
    assertEquals(1, s.split("</script", -1).length - 1, "one element, nothing closes it early");
    assertTrue(s.contains("\"5.3.1\"") || s.contains("'5.3.1'"), "ECharts' own version string");
    assertTrue(s.contains("renderToSVGString"), "the SVG server-side renderer is in the bundle");
    assertTrue(s.contains("div.chart[data-chart]"), "the glue that draws chart divs");
    // The common bundle: about 650 kB, well under the full bundle's 1 MB.
    assertTrue(s.length() > 600_000 && s.length() < 800_000, "inlined " + s.length() + " chars");
  }

  @Test
  void div_writesTheModelAsJsonThatReadsBackEqual() {
    Chart c =
        Chart.of("Loss <vs> N & \"D\"", Axis.log("N"), Axis.linear("loss"))
            .with(
                new Series(
                    "D=1e6",
                    Style.POINTS,
                    List.of(
                        new Point(1e4, 3.5, 0.01, Tip.of("t1", "width", "8", "loss", "3.5 ± 0.01")),
                        new Point(2e4, 3.2, Double.NaN, null))))
            .with(Series.of("D=1e6", Style.LINE, new double[] {1e4, 2e4}, new double[] {3.4, 3.1}))
            .with(
                new Band(
                    "D=1e6", new double[] {1e4, 2e4}, new double[] {3, 3}, new double[] {4, 4}));
    String html = ChartHtml.div(c);
    assertTrue(html.startsWith("<h3>Loss &lt;vs&gt; N &amp; &quot;D&quot;</h3>"), html);
    List<Chart> back = PageCharts.of(html);
    assertEquals(List.of(c), back);
    assertTrue(Double.isNaN(back.get(0).series().get(0).points().get(1).err()));
  }

  @Test
  void series_leavesOutNonFinitePointsAndRejectsUnequalLengths() {
    Series s =
        Series.of("law", Style.LINE, new double[] {1, 2, 3}, new double[] {1, Double.NaN, 3});
    assertEquals(List.of(1.0, 3.0), s.points().stream().map(Point::x).toList());
    assertThrows(
        IllegalArgumentException.class,
        () -> Series.of("law", Style.LINE, new double[] {1, 2}, new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> Tip.of("t", "label-without-value"));
  }

  @Test
  void div_writesTheJsonInASingleQuotedAttributeThatReadsBack() {
    Chart c =
        Chart.of("Loss of 'the' model", Axis.log("N"), Axis.linear("it's loss"))
            .with(
                new Series(
                    "O'Brien's",
                    Style.POINTS,
                    List.of(new Point(1, 2, Double.NaN, Tip.of("t'1", "a & b", "<c>")))));
    String html = ChartHtml.div(c);
    assertTrue(html.contains(" data-chart='{\"title\":"), html);
    assertTrue(
        !html.substring(html.indexOf("data-chart='") + 12, html.lastIndexOf("'")).contains("'"));
    assertEquals(List.of(c), PageCharts.of(html));
  }
}
