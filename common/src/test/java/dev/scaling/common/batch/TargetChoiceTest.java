package dev.scaling.common.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetChoiceTest {
  /**
   * A trial of {@code group} whose loss falls from {@code start} at step 0 as {@code floor + (start
   * - floor) / (1 + step / 20)}, logged every 10 steps to step {@code last}, with {@code warmup}
   * steps of warmup.
   */
  static TrialCurve trial(String group, double start, double floor, long warmup, long last) {
    List<LoggedPoint> pts = new ArrayList<>();
    for (long s = 0; s <= last; s += 10) {
      pts.add(new LoggedPoint(s, loss(start, floor, s), null));
    }
    return new TrialCurve(group + "/" + last, group, 1e4, 1024, warmup, pts);
  }

  static double loss(double start, double floor, long step) {
    return floor + (start - floor) / (1 + step / 20.0);
  }

  /** The targets the class comment promises, computed here: 5 even steps in log over the range. */
  static List<Double> expected(double lo, double hi, int count) {
    double a = Math.log(lo);
    double b = Math.log(hi);
    double m = 0.05 * (b - a);
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(Math.exp((b - m) - i * ((b - m) - (a + m)) / (count - 1)));
    }
    return out;
  }

  @Test
  void automatic_sharesTargetsInsideTheRangeEveryTrialOfEveryModelReaches() {
    // Model a: trials to steps 200 and 400 (the shorter one ends higher) with 20 warmup steps;
    // model b: floor a little lower. The range of a: low = loss of its step-200 trial at the end,
    // high = its loss at step 20 (first logged step after warmup).
    List<TrialCurve> curves =
        List.of(
            trial("a", 6, 2.0, 20, 200),
            trial("a", 6, 2.0, 20, 400),
            trial("b", 6, 1.9, 20, 300),
            trial("b", 6, 1.9, 20, 500));
    double lowA = loss(6, 2.0, 200);
    double lowB = loss(6, 1.9, 300);
    double high = loss(6, 1.9, 20); // lower than model a's loss at step 20
    TargetChoice.Choice c = TargetChoice.automatic(curves, 5);
    assertTrue(c.shared());
    assertFalse(c.given());
    List<Double> want = expected(Math.max(lowA, lowB), high, 5);
    for (String g : List.of("a", "b")) {
      List<Double> got = c.of(g);
      assertEquals(5, got.size());
      for (int i = 0; i < 5; i++) {
        assertEquals(want.get(i), got.get(i), 1e-12, g + " target " + i);
      }
    }
    for (TrialCurve t : curves) {
      for (double target : c.of(t.group())) {
        assertTrue(StepsToTarget.of(t, target).isPresent(), t.trialId() + " reaches " + target);
        assertTrue(target < loss(6, 1.9, 20), "below every loss after warmup");
      }
    }
  }

  @Test
  void automatic_choosesPerModelTargetsWhenTheRangesDoNotOverlap() {
    // Model a lives between about 5 and 4, model b between about 2.5 and 1.5.
    List<TrialCurve> curves =
        List.of(
            trial("a", 5.5, 4.0, 0, 200),
            trial("a", 5.5, 4.0, 0, 300),
            trial("b", 3.0, 1.5, 0, 200),
            trial("b", 3.0, 1.5, 0, 300));
    TargetChoice.Choice c = TargetChoice.automatic(curves, 3);
    assertFalse(c.shared());
    List<Double> a = expected(loss(5.5, 4.0, 200), loss(5.5, 4.0, 10), 3);
    List<Double> b = expected(loss(3.0, 1.5, 200), loss(3.0, 1.5, 10), 3);
    for (int i = 0; i < 3; i++) {
      assertEquals(a.get(i), c.of("a").get(i), 1e-12);
      assertEquals(b.get(i), c.of("b").get(i), 1e-12);
    }
  }

  @Test
  void automatic_givesAModelWhoseTrialsShareNoRangeNoTargetsAndAReason() {
    // One trial ends at 4.17, above where the other already is at its first step after warmup
    // (3.67).
    List<TrialCurve> curves = List.of(trial("a", 5.0, 4.0, 0, 100), trial("a", 5.0, 1.0, 0, 300));
    TargetChoice.Choice c = TargetChoice.automatic(curves, 5);
    assertTrue(c.of("a").isEmpty());
    assertTrue(c.targets().get(0).reason().contains("no loss is reached by every batch size"));
  }

  @Test
  void given_keepsTargetsInsideSomeTrialsRangeAndRejectsOneOutsideEvery() {
    List<TrialCurve> curves = List.of(trial("a", 5.0, 2.0, 0, 200), trial("b", 4.0, 1.5, 0, 200));
    TargetChoice.Choice c = TargetChoice.given(curves, List.of(3.0, 4.5));
    assertTrue(c.given());
    assertEquals(List.of(4.5, 3.0), c.of("a"));
    assertEquals(List.of(4.5, 3.0), c.of("b"));
    SpecException e =
        assertThrows(SpecException.class, () -> TargetChoice.given(curves, List.of(3.0, 1.0)));
    assertEquals("--targets[1]", e.field());
    assertTrue(e.getMessage().startsWith("--targets[1] must be inside the logged loss range"));
    assertTrue(e.getMessage().endsWith("found 1.0"), e.getMessage());
  }
}
