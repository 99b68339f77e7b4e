package dev.scaling.common.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.TrainingSpec;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
  private static final TrainingSpec TRAINING = new TrainingSpec(16, 1e-3, 0.1, 0.1, 1.0, 50);

  @Test
  void cosine_warmsUpLinearlyThenDecaysToTheFloor() {
    CosineSchedule schedule = CosineSchedule.of(1e-3, 100, 0.1, 0.1);
    assertEquals(10, schedule.warmupSteps());
    assertEquals(1e-4, schedule.at(0), 1e-12);
    assertEquals(5e-4, schedule.at(4), 1e-12);
    assertEquals(1e-3, schedule.at(9), 1e-12);
    assertEquals(1e-3, schedule.at(10), 1e-12);
    assertEquals(1e-4, schedule.at(99), 1e-12);
    for (int step = 11; step < 100; step++) {
      assertTrue(
          schedule.at(step) < schedule.at(step - 1),
          "strictly decreasing after warmup, step " + step);
    }
  }

  @Test
  void cosine_followsTheHalfCosineBetweenPeakAndFloor() {
    // 21 steps, no warmup: the decay spans steps 0..20, so step 10 is half way and step 5 a
    // quarter.
    CosineSchedule schedule = CosineSchedule.of(1e-3, 21, 0.0, 0.1);
    assertEquals(1e-3, schedule.at(0), 1e-15);
    assertEquals(5.5e-4, schedule.at(10), 1e-15); // (peak + floor) / 2
    assertEquals(8.68198051533946e-4, schedule.at(5), 1e-15); // 1e-4 + 0.45e-3 * (1 + sqrt(2)/2)
    assertEquals(1e-4, schedule.at(20), 1e-15);
  }

  @Test
  void cosine_singleStepUsesThePeak() {
    assertEquals(2e-3, CosineSchedule.of(2e-3, 1, 0.0, 0.0).at(0), 1e-12);
  }

  @Test
  void cosine_rejectsWarmupLongerThanTheRun() {
    assertThrows(InvariantViolation.class, () -> new CosineSchedule(1e-3, 10, 11, 0.1));
  }

  @Test
  void create_defaultSpecBuildsTheCosineScheduleOfTheTrial() {
    LearningRateSchedule schedule = Schedules.create(TRAINING, 200, 1024);
    assertEquals("cosine", schedule.name());
    assertEquals(new CosineSchedule(1e-3, 200, 20, 0.1), schedule);
    assertEquals(200, schedule.steps());
  }

  @Test
  void resume_rebuildsTheSameScheduleFromTheTrialAndGivesIdenticalValues() {
    LearningRateSchedule original = Schedules.create(TRAINING, 200, 1024);
    ScheduleState saved = original.resumeState(37);
    assertEquals("cosine", saved.name());
    assertEquals(original.definition(), saved.definition());
    assertEquals(37, saved.step());
    LearningRateSchedule resumed =
        Schedules.resume(new TrainingSpec(16, 1e-3, 0.1, 0.1, 1.0, 50), 200, 1024, saved);
    assertNotNull(resumed);
    for (long step = saved.step(); step < 200; step++) {
      assertEquals(original.at(step), resumed.at(step), 0.0, "step " + step);
    }
  }

  @Test
  void resume_refusesAStateOfAnotherSchedule() {
    ScheduleState saved = Schedules.create(TRAINING, 200, 1024).resumeState(37);
    assertNull(
        Schedules.resume(new TrainingSpec(16, 1e-3, 0.1, 0.2, 1.0, 50), 200, 1024, saved),
        "other floor");
    assertNull(
        Schedules.resume(new TrainingSpec(16, 2e-3, 0.1, 0.1, 1.0, 50), 200, 1024, saved),
        "other peak");
    assertNull(Schedules.resume(TRAINING, 300, 1024, saved), "other length");
    assertNull(
        Schedules.resume(
            TRAINING, 100, 1024, Schedules.create(TRAINING, 200, 1024).resumeState(150)),
        "past the end");
    ScheduleState wrongDigest =
        new ScheduleState("cosine", saved.definition(), 37, saved.appliedDigest() + 1);
    assertNull(Schedules.resume(TRAINING, 200, 1024, wrongDigest), "other learning rates applied");
  }

  @Test
  void resume_acceptsAnotherScheduleThatAppliedTheSameLearningRatesSoFar() {
    // Both warm up over the same 20 of 200 steps to the same peak; only the decay floors differ. A
    // checkpoint in the warmup is a valid start for either (as a branched cooldown resumes a longer
    // run).
    TrainingSpec otherFloor = new TrainingSpec(16, 1e-3, 0.1, 0.5, 1.0, 50);
    ScheduleState inWarmup = Schedules.create(TRAINING, 200, 1024).resumeState(15);
    LearningRateSchedule branch = Schedules.resume(otherFloor, 200, 1024, inWarmup);
    assertNotNull(branch);
    assertEquals(Schedules.create(otherFloor, 200, 1024), branch);
    assertNull(
        Schedules.resume(
            otherFloor, 200, 1024, Schedules.create(TRAINING, 200, 1024).resumeState(25)),
        "after the warmup");
  }

  @Test
  void digest_changesWithAnyAppliedValueAndWithTheStep() {
    CosineSchedule a = CosineSchedule.of(1e-3, 100, 0.1, 0.1);
    CosineSchedule b = CosineSchedule.of(Math.nextUp(1e-3), 100, 0.1, 0.1);
    assertEquals(
        ScheduleState.digest(a, 40),
        ScheduleState.digest(CosineSchedule.of(1e-3, 100, 0.1, 0.1), 40));
    assertTrue(ScheduleState.digest(a, 40) != ScheduleState.digest(b, 40), "one ulp of the peak");
    assertTrue(ScheduleState.digest(a, 40) != ScheduleState.digest(a, 41));
    assertTrue(ScheduleState.digest(a, 0) != ScheduleState.digest(a, 1));
    assertThrows(InvariantViolation.class, () -> ScheduleState.digest(a, 101));
  }

  @Test
  void registry_listsCosineAndTheSpecRejectsOtherNames() {
    assertEquals(Set.of("cosine", "wsd"), Schedules.names());
    assertEquals("cosine", Schedules.DEFAULT);
    SpecException e =
        assertThrows(
            SpecException.class, () -> new TrainingSpec(16, 1e-3, 0.1, 0.1, 1.0, 50, "linear"));
    assertEquals("training.schedule", e.field());
    assertEquals(
        "training.schedule must be one of the registered schedules [cosine, wsd], found \"linear\"",
        e.getMessage());
    assertThrows(SpecException.class, () -> new TrainingSpec(16, 1e-3, 0.1, 0.1, 1.0, 50, ""));
    // Commit files written before the field existed deserialize it as null: those trials ran
    // cosine.
    assertEquals("cosine", new TrainingSpec(16, 1e-3, 0.1, 0.1, 1.0, 50, null).schedule());
  }

  @Test
  void withLearningRate_keepsTheSchedule() {
    TrainingSpec t = new TrainingSpec(16, 1e-3, 0.1, 0.1, 1.0, 50, "cosine");
    TrainingSpec other = t.withLearningRate(3e-3);
    assertEquals(3e-3, other.learningRate());
    assertEquals(new TrainingSpec(16, 3e-3, 0.1, 0.1, 1.0, 50, "cosine"), other);
  }
}
