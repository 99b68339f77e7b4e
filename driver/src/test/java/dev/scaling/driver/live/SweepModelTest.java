package dev.scaling.driver.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.CurvePoint;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialResult;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.live.SweepView.TrialView;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The driver's model of a sweep, the accumulator's merge, and the estimate's schedule. */
class SweepModelTest {
  static final Plan PLAN =
      Planner.plan(
          SpecParser.parse(
              """
              name: model
              seed: 1
              data: {source: synthetic}
              model: {context: 16, head_size: 8}
              grid: {width: [8, 16], depth: [1], tokens: [4096, 8192]}
              training: {batch_size: 4, learning_rate: 1.0e-3, eval_interval: 10}
              """));

  static LiveProgress report(Trial t, int attempt, long step, long at, List<LivePoint> recent) {
    return new LiveProgress(
        "model",
        t.trialId(),
        attempt,
        "exec-1",
        "host-a",
        "cpu()",
        step,
        t.steps(),
        step * 64,
        2.5,
        Double.NaN,
        640,
        0,
        at,
        recent);
  }

  static TrialOutcome outcome(Trial t, TrialStatus status, double eval) {
    return new TrialOutcome(
        t,
        TrialResult.builder(t.trialId(), status)
            .finalTrainLoss(eval + 0.1)
            .finalEvalLoss(eval)
            .stepsDone(t.steps())
            .tokensTrained(t.tokensTrained())
            .wallSeconds(12.5)
            .tokensPerSecond(1000)
            .device("cpu()")
            .curve(List.of(new CurvePoint(t.steps(), t.tokensTrained(), 1e-3, eval + 0.1, eval)))
            .build(),
        "run",
        "exec-2",
        "host-b",
        0,
        null);
  }

  @Test
  void model_followsATrialFromPlannedToRetriedToRunningToFinished() {
    Trial t = PLAN.trials().get(0);
    SweepModel m = new SweepModel(PLAN, List.of(), "1s", 0);
    assertEquals("planned", m.trial(t.trialId()).orElseThrow().status());

    m.report(report(t, 0, 0, 500, List.of()), 600);
    m.report(report(t, 0, 10, 1_000, List.of()), 1_100);
    m.report(report(t, 0, 20, 3_000, List.of(new LivePoint(20, 1280, 2.5, 2.4))), 3_500);
    TrialView running = m.trial(t.trialId()).orElseThrow();
    assertEquals("running", running.status());
    assertEquals(20, running.step());
    assertEquals("exec-1", running.executor());
    assertEquals(2.4, running.curve().get(0).evalLoss());
    // Set-up until step 0 is no delay. Steps 11..20 were taken between executor times 1.0 s and
    // 3.0 s, seen at 3.5 s: mean delay 3.5 - 2.0 = 1.5 s, largest 3.5 - 1.0 = 2.5 s.
    SweepView v = m.snapshot();
    assertEquals(1, v.freshness().updates());
    assertEquals(1.5, v.freshness().meanLagSeconds(), 1e-9);
    assertEquals(2.5, v.freshness().maxLagSeconds(), 1e-9);
    // An older report of the same attempt changes nothing.
    m.report(report(t, 0, 10, 2_000, List.of()), 4_000);
    assertEquals(20, m.trial(t.trialId()).orElseThrow().step());

    m.attemptLost(t.trialId());
    assertEquals("retried", m.trial(t.trialId()).orElseThrow().status());
    assertEquals(1, m.snapshot().progress().attemptsLost());
    m.report(report(t, 1, 10, 5_000, List.of()), 5_100);
    assertEquals("running", m.trial(t.trialId()).orElseThrow().status());
    assertEquals(1, m.trial(t.trialId()).orElseThrow().attempt());
    assertTrue(m.trial(t.trialId()).orElseThrow().curve().isEmpty(), "new attempt, new curve");

    m.committed(outcome(t, TrialStatus.FINISHED, 2.0));
    m.report(report(t, 2, 30, 9_000, List.of()), 9_100);
    TrialView done = m.trial(t.trialId()).orElseThrow();
    assertEquals("finished", done.status());
    assertEquals(2.0, done.evalLoss());
    assertEquals("exec-2", done.executor());
    assertEquals(12.5, done.wallSeconds());
    assertEquals(1, m.snapshot().progress().finished());
  }

  @Test
  void snapshot_countsFlopsOfCommittedAndTheTrainedShareOfRunningTrials() {
    Trial a = PLAN.trials().get(0);
    Trial b = PLAN.trials().get(1);
    SweepModel m = new SweepModel(PLAN, List.of(outcome(a, TrialStatus.FINISHED, 2)), "1s", 0);
    m.report(report(b, 0, b.steps() / 4, 10, List.of()), 20);
    m.report(other(b), 20);
    SweepView.Progress p = m.snapshot().progress();
    assertEquals(4, p.planned());
    assertEquals(1, p.finished());
    assertEquals(1, p.running());
    double total = PLAN.trials().stream().mapToDouble(Trial::flops).sum();
    assertEquals(total, p.flopsTotal(), 1e-6);
    assertEquals(a.flops() + b.flops() * (b.steps() / 4) / b.steps(), p.flopsDone(), 1e-6);
    assertEquals(4, m.snapshot().trials().size(), "another sweep's report adds no row");
    // A trunk segment of an id outside the plan reports under its trunk id: a row of its own,
    // finished only when a task succeeds at the trunk's whole length, not at a segment's end.
    m.report(
        new LiveProgress(
            "model", "trunk-1", 0, "e", "h", "cpu()", 5, 10, 320, 2, 2, 1, 0, 5, List.of(), 0, 5),
        6);
    TrialView trunk = m.trial("trunk-1").orElseThrow();
    assertEquals("trunk", trunk.kind());
    assertEquals("running", trunk.status());
    m.taskSucceeded("trunk-1");
    m.taskSucceeded(b.trialId());
    assertEquals("running", m.trial("trunk-1").orElseThrow().status(), "5 of 10 steps");
    m.report(
        new LiveProgress(
            "model", "trunk-1", 0, "e", "h", "cpu()", 10, 10, 640, 2, 2, 1, 6, 9, List.of(), 5, 10),
        10);
    m.taskSucceeded("trunk-1");
    assertEquals("finished", m.trial("trunk-1").orElseThrow().status());
    assertEquals(1, m.snapshot().progress().running(), "the trunk is no running trial");
    assertEquals(
        "running", m.trial(b.trialId()).orElseThrow().status(), "a trial waits for its commit");
  }

  @Test
  void snapshot_neverCountsMoreThanPlannedWithCommitsOfAnEarlierGridAndTrunks() {
    Trial earlier =
        Planner.plan(
                SpecParser.parse(
                    """
                    name: model
                    seed: 1
                    data: {source: synthetic}
                    model: {context: 16, head_size: 8}
                    grid: {width: [24], depth: [2], tokens: [16384]}
                    training: {batch_size: 4, learning_rate: 1.0e-3, eval_interval: 10}
                    """))
            .trials()
            .get(0);
    SweepModel m =
        new SweepModel(PLAN, List.of(outcome(earlier, TrialStatus.FINISHED, 2)), "1s", 0);
    m.report(
        new LiveProgress(
            "model", "trunk-1", 0, "e", "h", "cpu()", 10, 10, 640, 2, 2, 1, 0, 5, List.of()),
        6);
    m.taskSucceeded("trunk-1");
    for (Trial t : PLAN.trials()) {
      m.committed(outcome(t, TrialStatus.FINISHED, 2));
    }
    m.committed(outcome(earlier, TrialStatus.FINISHED, 2));

    SweepView.Progress p = m.snapshot().progress();
    double total = PLAN.trials().stream().mapToDouble(Trial::flops).sum();
    assertEquals(4, p.planned());
    assertEquals(4, p.finished() + p.diverged() + p.failed(), "done never exceeds planned");
    assertEquals(total, p.flopsDone(), 1e-6, "100% of the FLOPs, not more");
    assertEquals(4, m.outcomes().size(), "only the plan's commits");
    assertFalse(m.isCommitted(earlier.trialId()));
  }

  private static LiveProgress other(Trial b) {
    return new LiveProgress(
        "another", "trunk-x", 0, "e", "h", "cpu()", 5, 10, 5, 1, 1, 1, 0, 5, List.of());
  }

  @Test
  void curve_staysBoundedAndKeepsEvaluatedPoints() {
    Trial t = PLAN.trials().get(0);
    SweepModel m = new SweepModel(PLAN, List.of(), "1s", 0);
    int n = 3 * SweepModel.MAX_CURVE;
    for (int step = 1; step <= n; step++) {
      double eval = step % 50 == 0 ? 1.0 : Double.NaN;
      m.report(
          report(t, 0, step, step, List.of(new LivePoint(step, step * 64L, 3.0, eval))), step + 1);
    }
    List<SweepView.CurveView> curve = m.trial(t.trialId()).orElseThrow().curve();
    assertTrue(curve.size() <= SweepModel.MAX_CURVE, "curve of " + curve.size() + " points");
    assertEquals(n, curve.get(curve.size() - 1).step(), "the newest point is kept");
    assertEquals(1, curve.get(0).step(), "the first point is kept");
    long evaluated = curve.stream().filter(c -> c.evalLoss() != null).count();
    assertEquals(n / 50, evaluated, "every evaluated point is kept");
  }

  @Test
  void accumulator_driverCopyKeepsOnlyTheNewestReportsAndPrintsShort() {
    LiveAccumulator driver = new LiveAccumulator();
    int tasks = LiveAccumulator.DRIVER_REPORTS + 100;
    for (int i = 0; i < tasks; i++) {
      LiveAccumulator task = new LiveAccumulator();
      Trial t = PLAN.trials().get(i % PLAN.trials().size());
      // Distinct ids per task, updated at increasing times: the last DRIVER_REPORTS must stay.
      LiveProgress p = report(t, 0, 10, 1000 + i, List.of());
      task.add(
          new LiveProgress(
              p.sweepName(),
              "t" + i,
              0,
              p.executorId(),
              p.host(),
              p.device(),
              p.stepsDone(),
              p.stepsPlanned(),
              p.tokensDone(),
              p.trainLoss(),
              p.evalLoss(),
              p.tokensPerSecond(),
              p.startedAtMillis(),
              1000 + i,
              p.recent(),
              p.fromStep(),
              p.stopStep()));
      driver.merge(task);
    }
    assertEquals(LiveAccumulator.DRIVER_REPORTS, driver.value().byId().size());
    assertTrue(driver.value().byId().containsKey("t" + (tasks - 1)), "the newest stays");
    assertFalse(driver.value().byId().containsKey("t0"), "the oldest goes");
    assertEquals(LiveAccumulator.DRIVER_REPORTS + " live reports", driver.value().toString());
  }

  @Test
  void accumulator_keepsTheNewestReportPerIdAndSurvivesSerialization() throws Exception {
    Trial t = PLAN.trials().get(0);
    Trial u = PLAN.trials().get(1);
    LiveAccumulator acc = new LiveAccumulator();
    assertTrue(acc.isZero());
    acc.add(report(t, 0, 20, 2, List.of()));
    acc.add(report(t, 0, 10, 3, List.of()));
    LiveAccumulator other = new LiveAccumulator();
    other.add(report(t, 1, 5, 4, List.of()));
    other.add(report(u, 0, 7, 4, List.of()));
    LiveAccumulator copy = acc.copy();
    acc.merge(other);
    assertEquals(1, acc.value().byId().get(t.trialId()).attempt(), "a later attempt wins");
    assertEquals(7, acc.value().byId().get(u.trialId()).stepsDone());
    assertEquals(20, copy.value().byId().get(t.trialId()).stepsDone(), "copies are independent");
    copy.reset();
    assertTrue(copy.isZero());
    assertFalse(acc.isZero());

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(acc.value());
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(acc.value(), in.readObject());
    }
  }

  @Test
  void makespan_listSchedulesInPlanOrder() {
    // Durations 5, 4, 3, 3 on two slots: A 0-5, B 0-4, then B 4-7, A 5-8: 8 s.
    List<Trial> trials = PLAN.trials();
    double[] seconds = {5, 4, 3, 3};
    List<Trial> order = new ArrayList<>(trials);
    assertEquals(8.0, TimeEstimate.makespan(order, 2, t -> seconds[order.indexOf(t)]), 1e-12);
    assertEquals(15.0, TimeEstimate.makespan(order, 1, t -> seconds[order.indexOf(t)]), 1e-12);
    assertEquals(5.0, TimeEstimate.makespan(order, 8, t -> seconds[order.indexOf(t)]), 1e-12);
  }

  @Test
  void emptyModel_rendersAPageAndJsonWithoutNumbers() {
    SweepModel m = new SweepModel(PLAN, List.of(), "10s", System.currentTimeMillis());
    SweepView v = m.snapshot();
    String html = SweepPage.body(v);
    assertTrue(html.contains("No learning-curve points yet"), html);
    assertEquals(4, html.split("data-status=\"planned\"", -1).length - 1);
    assertNull(v.progress().etaSeconds());
    String json = SweepPage.json(m.snapshot());
    assertTrue(json.contains("\"planned\":4"), json);
    assertFalse(json.contains("NaN"), json);
  }
}
