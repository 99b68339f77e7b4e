package dev.scaling.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.plan.Planner;
import dev.scaling.driver.spark.ProgressMonitor.Exhausted;
import dev.scaling.driver.spark.ProgressMonitor.LostAttempt;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The driver's record of a trial whose every attempt killed its executor, and the test switch. */
class PoisonTrialTest {
  static final List<Trial> TRIALS =
      Planner.plan(
              SpecParser.parse(
                  """
                  name: poison
                  seed: 1
                  data: {source: synthetic}
                  model: {context: 16, head_size: 16}
                  grid: {width: [16, 48], depth: [1], tokens: [4096]}
                  training: {batch_size: 4, learning_rate: 1.0e-3, eval_interval: 10}
                  """))
          .trials();

  static final String LOST =
      "ExecutorLostFailure (executor %s exited caused by one of the running tasks) Reason: Command"
          + " exited with code 137";

  @Test
  void poisonOutcome_isFailedWithEveryAttemptOnTheLastExecutor() {
    Trial t = TRIALS.get(0);
    Exhausted p =
        new Exhausted(
            t,
            List.of(
                new LostAttempt(0, "1", "10.0.0.1", 2.5, true, LOST.formatted("1")),
                new LostAttempt(1, "3", "10.0.0.2", 1.25, true, LOST.formatted("3"))));
    TrialOutcome o = SweepRunner.poisonOutcome(p, "app-1@x", 2);
    assertEquals(TrialStatus.FAILED, o.result().status());
    assertEquals(t.trialId(), o.result().trialId());
    assertEquals(3.75, o.result().wallSeconds(), 1e-12);
    assertEquals("3", o.executorId());
    assertEquals("10.0.0.2", o.host());
    assertEquals(1, o.attempt());
    assertEquals("app-1@x", o.runId());
    String error = o.result().error();
    assertTrue(
        error.startsWith("all 2 attempts of this trial failed, losing their executor"), error);
    assertTrue(
        error.contains("attempt 0 on executor 1 (10.0.0.1) after 2.5s: " + LOST.formatted("1")),
        error);
    assertTrue(
        error.contains("attempt 1 on executor 3 (10.0.0.2) after 1.3s: " + LOST.formatted("3")),
        error);
    assertTrue(p.executorLost());
    assertFalse(
        new Exhausted(t, List.of(new LostAttempt(0, "1", "h", 1, false, "boom"))).executorLost());
  }

  @Test
  void haltSwitch_selectsOnlyTheNamedTrialOrWidth() {
    Trial w16 = TRIALS.stream().filter(t -> t.width() == 16).findFirst().orElseThrow();
    Trial w48 = TRIALS.stream().filter(t -> t.width() == 48).findFirst().orElseThrow();
    assertFalse(TrialTask.selects("", w16));
    assertFalse(TrialTask.selects(null, w16));
    assertTrue(TrialTask.selects("width=48", w48));
    assertFalse(TrialTask.selects("width=48", w16));
    assertFalse(TrialTask.selects("width=4", w48));
    assertTrue(TrialTask.selects(w16.trialId(), w16));
    assertFalse(TrialTask.selects(w16.trialId(), w48));
  }
}
