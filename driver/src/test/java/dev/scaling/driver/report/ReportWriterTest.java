package dev.scaling.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.fit.LawForm;
import dev.scaling.common.fit.ScalingAnalysis;
import dev.scaling.common.fit.ScalingFitter;
import dev.scaling.common.fit.ScalingPoint;
import dev.scaling.common.fit.StartGrid;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReportWriterTest {
  /** Noise-free losses of E + A/N^alpha + B/D^beta with E 1.8, A 400, B 410, 0.34, 0.28. */
  static ScalingAnalysis analysis;

  @BeforeAll
  static void fit() {
    List<ScalingPoint> points = new ArrayList<>();
    for (double n : new double[] {1e6, 4e6, 1.6e7, 6.4e7}) {
      for (double d : new double[] {1e8, 4e8, 1.6e9, 6.4e9}) {
        points.add(new ScalingPoint(n, d, 1.8 + 400 / Math.pow(n, 0.34) + 410 / Math.pow(d, 0.28)));
      }
    }
    FitOptions options = new FitOptions(1e-3, StartGrid.COARSE, 0, 1L, 0.95, 0.2);
    analysis = new ScalingFitter(options).analyse(points, List.of(LawForm.CHINCHILLA));
  }

  @Test
  void noiseSection_isEmptyWithoutAMeasuredNoise() {
    assertEquals("", ReportWriter.noiseSection(analysis, SweepFacts.builder().build()));
  }

  @Test
  void noiseSection_statesTheMedianNoiseAndTheHeldOutTokens() {
    String html =
        ReportWriter.noiseSection(analysis, SweepFacts.builder().evalNoise(0.0125, 4096).build());
    assertTrue(html.startsWith("<h2>Evaluation noise</h2>"), html);
    assertTrue(
        html.contains("median 0.012500 nats over the trials (4096 held-out tokens per evaluation)"),
        html);
    // The noise-free losses fall along N and along D by far more than 0.0125: nothing unresolved.
    assertTrue(html.contains("<li>") && !html.contains("not resolved"), html);
  }

  @Test
  void truthSection_isEmptyWithoutAFloorOrDesignedExponents() {
    assertEquals(
        "", ReportWriter.truthSection(analysis, SweepFacts.builder().evalNoise(0.01, 1).build()));
  }

  @Test
  void truthSection_putsTheSourcesTruthBesideTheFittedValues() {
    SweepFacts facts = SweepFacts.builder().entropyFloor(1.8).designedExponents(0.34, 0.28).build();
    String html = ReportWriter.truthSection(analysis, facts);
    assertTrue(html.startsWith("<h2>Ground truth</h2>"), html);
    assertFitted(html, "entropy floor (E)", "1.8000", 1.8, 0.01);
    assertFitted(html, "loss exponent in N (alpha)", "0.34000", 0.34, 0.01);
    assertFitted(html, "loss exponent in D (beta)", "0.28000", 0.28, 0.01);
  }

  /** The row {@code label | truth | fitted} is present with the fitted value near {@code want}. */
  static void assertFitted(String html, String label, String truth, double want, double tol) {
    Matcher m =
        Pattern.compile(
                "<td>"
                    + Pattern.quote(label)
                    + "</td><td>"
                    + Pattern.quote(truth)
                    + "</td><td>([^<]+)</td>")
            .matcher(html);
    assertTrue(m.find(), label + " row missing: " + html);
    assertEquals(want, Double.parseDouble(m.group(1)), tol, label);
  }
}
