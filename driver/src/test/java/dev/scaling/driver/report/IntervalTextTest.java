package dev.scaling.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.scaling.common.fit.ChinchillaParams;
import dev.scaling.common.fit.FitResult;
import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.LawForm;
import java.util.List;
import org.junit.jupiter.api.Test;

class IntervalTextTest {
  private static FitResult fit(double e, List<String> atBound) {
    ChinchillaParams p = new ChinchillaParams(e, 400, 400, 0.34, 0.28);
    return new FitResult(LawForm.CHINCHILLA, p, 0.1, 20, 1e-3, 10, List.of(p), atBound, 5);
  }

  @Test
  void caveat_saysAParameterAtItsBoundIsNotIdentified() {
    assertEquals(
        "at bound (E = 0): not identified by these data",
        IntervalText.caveat(fit(2.8e-14, List.of("E")), "E", new Interval(2.8e-14, 2.8e-14)));
  }

  @Test
  void caveat_flagsAZeroWidthInterval() {
    assertEquals(
        "zero width: every resample gave the same value, so its uncertainty is unmeasured",
        IntervalText.caveat(fit(1.7, List.of()), "E", new Interval(1.7, 1.7)));
  }

  @Test
  void caveat_isNullForAnOrdinaryInterval() {
    assertNull(IntervalText.caveat(fit(1.7, List.of()), "E", new Interval(1.6, 1.8)));
    assertNull(IntervalText.caveat(fit(1.7, List.of()), "E", null));
  }
}
