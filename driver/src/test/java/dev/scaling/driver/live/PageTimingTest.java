package dev.scaling.driver.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PageTimingTest {
  @Test
  void parse_readsBothTimesFromTheBodyOfADumpedDom() {
    String dom =
        "<html><head><title>x</title></head><body class=\"a\" data-render-ms=\"37.5\""
            + " data-first-render-ms=\"412.0\"><p data-render-ms=\"9\">x</p></body></html>";
    assertEquals(new PageTiming(37.5, 412.0), PageTiming.parse(dom));
  }

  @Test
  void parse_rejectsADomWithoutTheTimingScriptsMarks() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PageTiming.parse("<html><body><p data-render-ms=\"9\">x</p></body></html>"));
    assertTrue(e.getMessage().contains("no data-render-ms attribute"), e.getMessage());
  }

  @Test
  void timingScript_isOnEveryPage() {
    SweepModel m = new SweepModel(SweepModelTest.PLAN, java.util.List.of(), "1s", 0);
    assertTrue(SweepPage.body(m.snapshot()).contains(SweepPage.TIMING_SCRIPT));
  }
}
