package dev.scaling.common.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scaling.common.spec.CooldownShape;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.spec.WsdSpec;
import org.junit.jupiter.api.Test;

class WsdScheduleTest {
  private static final long TOKENS_PER_STEP = 1024;

  private static TrainingSpec wsd(long warmupTokens, double f, CooldownShape shape, double min) {
    return new TrainingSpec(
        16, 2e-3, 0.0, min, 1.0, 50, WsdSchedule.NAME, new WsdSpec(warmupTokens, f, shape));
  }

  @Test
  void wsd_warmsUpHoldsThePeakThenCoolsDownToTheFloor() {
    // 100 steps, warmup 10240 tokens = 10 steps, cooldown 20% = steps 80..99.
    LearningRateSchedule s =
        Schedules.create(wsd(10_240, 0.2, CooldownShape.LINEAR, 0.1), 100, TOKENS_PER_STEP);
    assertEquals(80, s.forkStep());
    assertEquals(2e-4, s.at(0), 1e-15); // peak * 1/10
    assertEquals(2e-3, s.at(9), 1e-15);
    for (int step = 10; step < 80; step++) {
      assertEquals(2e-3, s.at(step), 0.0, "constant peak in the stable phase, step " + step);
    }
    // Linear cooldown over 20 steps from the peak to 10% of it: step 80 is 1/20 of the way.
    assertEquals(2e-4 + 1.8e-3 * (1 - 1.0 / 20), s.at(80), 1e-15);
    assertEquals(2e-4 + 1.8e-3 * 0.5, s.at(89), 1e-15);
    assertEquals(2e-4, s.at(99), 1e-15);
  }

  @Test
  void wsd_oneMinusSqrtShapeDropsFasterThanLinear() {
    LearningRateSchedule sqrt =
        Schedules.create(wsd(0, 0.5, CooldownShape.ONE_MINUS_SQRT, 0.0), 40, TOKENS_PER_STEP);
    LearningRateSchedule linear =
        Schedules.create(wsd(0, 0.5, CooldownShape.LINEAR, 0.0), 40, TOKENS_PER_STEP);
    // Step 24 is 5 of 20 cooldown steps: 1 - sqrt(0.25) = 0.5 against 1 - 0.25 = 0.75.
    assertEquals(2e-3 * 0.5, sqrt.at(24), 1e-15);
    assertEquals(2e-3 * 0.75, linear.at(24), 1e-15);
    assertEquals(0.0, sqrt.at(39), 0.0);
  }

  @Test
  void wsd_runsOfOneModelApplyTheSameRatesBeforeTheShorterOnesFork() {
    TrainingSpec t = wsd(16_384, 0.2, CooldownShape.ONE_MINUS_SQRT, 0.0);
    LearningRateSchedule longest = Schedules.create(t, 512, TOKENS_PER_STEP);
    for (long steps : new long[] {64, 128, 256}) {
      LearningRateSchedule branch = Schedules.create(t, steps, TOKENS_PER_STEP);
      assertEquals(Math.round(0.8 * steps), branch.forkStep());
      for (long step = 0; step < branch.forkStep(); step++) {
        assertEquals(longest.at(step), branch.at(step), 0.0, steps + " steps, step " + step);
      }
      // The checkpoint of the longest run at the branch's fork resumes into the branch...
      assertNotNull(
          Schedules.resume(t, steps, TOKENS_PER_STEP, longest.resumeState(branch.forkStep())));
      // ...but one step later the longest run had applied a rate the branch does not.
      assertNull(
          Schedules.resume(t, steps, TOKENS_PER_STEP, longest.resumeState(branch.forkStep() + 1)));
    }
  }

  @Test
  void wsd_warmupIsCountedInTokens() {
    TrainingSpec t = wsd(16_384, 0.2, CooldownShape.ONE_MINUS_SQRT, 0.0);
    assertEquals(16, ((WsdSchedule) Schedules.create(t, 64, 1024)).warmupSteps());
    assertEquals(8, ((WsdSchedule) Schedules.create(t, 64, 2048)).warmupSteps());
    assertEquals(6, ((WsdSchedule) Schedules.create(t, 64, 3000)).warmupSteps(), "rounded up");
  }

  @Test
  void wsd_aForkAtOrPastTheEndIsABug() {
    assertThrows(
        InvariantViolation.class,
        () -> new WsdSchedule(1e-3, 10, 0, 10, 0.0, CooldownShape.LINEAR));
  }

  @Test
  void cosine_hasNoForkStep() {
    assertEquals(
        0,
        Schedules.create(new TrainingSpec(16, 1e-3, 0.1, 0.1, 1.0, 50), 100, TOKENS_PER_STEP)
            .forkStep());
  }
}
