package dev.scaling.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LearningRateTransferTest {
  static final double[] RATES = {1e-3, 2e-3, 4e-3, 8e-3};

  /** Rows of one (N, D) whose loss is lowest at {@code best}: 3 + (log2(lr / best))^2 / 10. */
  static List<LearningRateTransfer.Row> bowl(double n, double d, double best) {
    List<LearningRateTransfer.Row> rows = new ArrayList<>();
    for (double lr : RATES) {
      double octaves = Math.log(lr / best) / Math.log(2);
      rows.add(new LearningRateTransfer.Row(n, d, lr, 3 + octaves * octaves / 10));
    }
    return rows;
  }

  @Test
  void of_findsEachSizesBestRateAndAnExactSlope() {
    // best rates 8e-3, 4e-3, 2e-3 at N = 1e4, 4e4, 1.6e5: lr* = 8e-3 (N/1e4)^(-1/2) exactly
    List<LearningRateTransfer.Row> rows = new ArrayList<>();
    rows.addAll(bowl(1e4, 1e6, 8e-3));
    rows.addAll(bowl(4e4, 1e6, 4e-3));
    rows.addAll(bowl(1.6e5, 1e6, 2e-3));
    LearningRateTransfer t = LearningRateTransfer.of("standard", rows);
    assertEquals(3, t.best().size());
    assertEquals(8e-3, t.best().get(0).learningRate());
    assertTrue(t.best().get(0).atEdge());
    assertEquals(4e-3, t.best().get(1).learningRate());
    assertFalse(t.best().get(1).atEdge());
    assertEquals(4, t.best().get(1).tried());
    assertEquals(1, t.trends().size());
    LearningRateTransfer.Trend trend = t.trends().get(0);
    assertEquals(-0.5, trend.b(), 1e-12);
    assertEquals(Math.log(8e-3) + 0.5 * Math.log(1e4), trend.a(), 1e-9);
    assertEquals(0.0, trend.slopeStdError(), 1e-9);
    assertEquals(3, trend.sizes());
  }

  @Test
  void of_slopeAndStandardErrorOfANoisyTrend() {
    // best rates 4e-3, 2e-3, 2e-3 at N = 1e4, 1e5, 1e6. By hand (x = ln N centred at -L, 0, L
    // with L = ln 10; y = ln lr* centred at 2 ln2/3, -ln2/3, -ln2/3): b = Sxy/Sxx = -L ln2 / 2L^2 =
    // -log10(2)/2; residuals ln2/6, -ln2/3, ln2/6, so SSR = ln2^2/6 on 1 degree of freedom and
    // se(b) = sqrt(SSR / Sxx) = log10(2)/sqrt(12).
    List<LearningRateTransfer.Row> rows = new ArrayList<>();
    rows.addAll(bowl(1e4, 5e5, 4e-3));
    rows.addAll(bowl(1e5, 5e5, 2e-3));
    rows.addAll(bowl(1e6, 5e5, 2e-3));
    LearningRateTransfer.Trend trend = LearningRateTransfer.of(null, rows).trends().get(0);
    assertEquals(-0.150515, trend.b(), 1e-6);
    assertEquals(0.086900, trend.slopeStdError(), 1e-6);
    assertEquals(5e5, trend.d());
  }

  @Test
  void of_fitsOneTrendPerDAndNoneFromOneSize() {
    List<LearningRateTransfer.Row> rows = new ArrayList<>();
    rows.addAll(bowl(1e4, 1e6, 4e-3));
    rows.addAll(bowl(1e5, 1e6, 4e-3));
    rows.addAll(bowl(1e4, 2e6, 2e-3)); // one size only at this D
    LearningRateTransfer t = LearningRateTransfer.of(null, rows);
    assertEquals(3, t.best().size());
    assertEquals(1, t.trends().size());
    assertEquals(0.0, t.trends().get(0).b(), 1e-12);
    assertTrue(Double.isNaN(t.trends().get(0).slopeStdError())); // two sizes: no residual freedom
  }

  @Test
  void of_isNullWithoutALearningRateAxis() {
    List<LearningRateTransfer.Row> rows =
        List.of(
            new LearningRateTransfer.Row(1e4, 1e6, 3e-3, 3.1),
            new LearningRateTransfer.Row(1e5, 1e6, 3e-3, 2.9));
    assertNull(LearningRateTransfer.of(null, rows));
  }

  @Test
  void reportSection_showsTheTableTheSlopeAndWhatItShouldBe() {
    List<LearningRateTransfer.Row> rows = new ArrayList<>();
    rows.addAll(bowl(1e4, 1e6, 8e-3));
    rows.addAll(bowl(4e4, 1e6, 4e-3));
    rows.addAll(bowl(1.6e5, 1e6, 2e-3));
    String html =
        ReportWriter.learningRateSection(LearningRateTransfer.of("mup(base_width=32)", rows));
    assertTrue(html.contains("<h2>Best learning rate vs N</h2>"), html);
    assertTrue(html.contains("mup(base_width=32)"), html);
    assertTrue(html.contains("<td>-0.500</td>"), html);
    assertTrue(html.contains("slope should be near 0"), html);
    assertTrue(html.contains("(edge of the grid)"), html);
  }
}
