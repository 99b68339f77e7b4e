package dev.scaling.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
  @Test
  void at_warmsUpLinearlyThenDecaysToTheFloor() {
    LearningRateSchedule schedule = LearningRateSchedule.of(1e-3, 100, 0.1, 0.1);
    assertEquals(10, schedule.warmupSteps());
    assertEquals(1e-4, schedule.at(0), 1e-12);
    assertEquals(1e-3, schedule.at(9), 1e-12);
    assertEquals(1e-3, schedule.at(10), 1e-12);
    assertEquals(1e-4, schedule.at(99), 1e-12);
    for (int step = 11; step < 100; step++) {
      assertTrue(schedule.at(step) <= schedule.at(step - 1));
    }
  }

  @Test
  void at_singleStepUsesThePeak() {
    assertEquals(2e-3, LearningRateSchedule.of(2e-3, 1, 0.0, 0.0).at(0), 1e-12);
  }
}
