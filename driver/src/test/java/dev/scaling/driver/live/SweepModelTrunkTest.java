package dev.scaling.driver.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.live.SweepView.TrialView;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Sweep page's model of a wsd sweep: a trunk's row follows every segment over the trunk's whole
 * length, trunks and trials are counted apart, the FLOPs done include the trunks' steps and the ETA
 * follows the task graph's remaining work.
 */
class SweepModelTrunkTest {
  /** 256 tokens per step: 32, 64 and 128 steps; forks at 26, 51 and 102; two widths, two trunks. */
  static final Plan PLAN =
      Planner.plan(
          SpecParser.parse(
              """
              name: wsd
              seed: 5
              data:
                source: synthetic
                eval_tokens: 2048
                synthetic: {vocab: 32, order: 2, branching: 4, zipf: 1.0}
              model: {context: 32, head_size: 16}
              grid: {width: [16, 32], depth: [1], tokens: [8192, 16384, 32768]}
              training:
                batch_size: 8
                learning_rate: 3.0e-3
                schedule: wsd
                warmup_tokens: 1024
                cooldown_fraction: 0.2
                eval_interval: 10
              """));

  /** The branches of width {@code width}, by ascending tokens. */
  static List<Trial> branches(int width) {
    return PLAN.trials().stream()
        .filter(t -> t.width() == width)
        .sorted(Comparator.comparingLong(Trial::tokens))
        .toList();
  }

  /** 6N x 256 tokens: one optimizer step of width {@code width}. */
  static double perStep(int width) {
    return 6.0 * branches(width).get(0).nParams() * 256;
  }

  /** A trunk segment's report: steps {@code from} to {@code stop} of 102, now at {@code step}. */
  static LiveProgress segment(
      String trunk, int attempt, long from, long stop, long step, double loss, long at) {
    return new LiveProgress(
        "wsd",
        trunk,
        attempt,
        "exec-1",
        "host-a",
        "cpu()",
        step,
        102,
        step * 256,
        loss,
        loss + 0.1,
        2560,
        at - 10_000,
        at,
        List.of(new LivePoint(step, step * 256, loss, loss + 0.1)),
        from,
        stop);
  }

  static LiveProgress branch(Trial b, long step, long at) {
    return new LiveProgress(
        "wsd",
        b.trialId(),
        0,
        "exec-2",
        "host-a",
        "cpu()",
        step,
        b.steps(),
        step * 256,
        2.0,
        Double.NaN,
        2560,
        at - 1_000,
        at,
        List.of(),
        b.forkStep(),
        b.steps());
  }

  @Test
  void plan_hasTheForksTheTestsCountWith() {
    for (int width : new int[] {16, 32}) {
      assertEquals(List.of(26L, 51L, 102L), branches(width).stream().map(Trial::forkStep).toList());
      assertEquals(List.of(32L, 64L, 128L), branches(width).stream().map(Trial::steps).toList());
    }
  }

  @Test
  void trunkRow_advancesAcrossSegmentsAndFinishesOnlyAtItsLastFork() {
    String trunk = branches(32).get(0).trunkId();
    long now = System.currentTimeMillis();
    SweepModel m = new SweepModel(PLAN, List.of(), "1s", now, 2);
    TrialView planned = m.trial(trunk).orElseThrow();
    assertEquals("trunk", planned.kind());
    assertEquals("planned", planned.status());
    assertEquals(102L, planned.steps());

    // Segment 1 (steps 0-26) needed a second attempt; it ends at its fork.
    m.report(segment(trunk, 1, 0, 26, 0, 3.0, now), now);
    m.report(segment(trunk, 1, 0, 26, 26, 2.8, now + 1), now + 1);
    m.taskSucceeded(trunk);
    TrialView forked = m.trial(trunk).orElseThrow();
    assertEquals("running", forked.status(), "a segment's end is no trunk's end");
    assertEquals(26, forked.step());
    assertEquals(102L, forked.steps());
    assertEquals(0, m.snapshot().progress().trunksFinished());

    // Segment 2 (steps 26-51) is a new task: attempt 0 again, from the fork.
    m.report(segment(trunk, 0, 26, 51, 26, 2.8, now + 2), now + 2);
    m.report(segment(trunk, 0, 26, 51, 40, 2.6, now + 3), now + 3);
    TrialView second = m.trial(trunk).orElseThrow();
    assertEquals("running", second.status());
    assertEquals(40, second.step(), "the second segment's step, over the trunk's length");
    assertEquals(102L, second.steps());
    assertEquals(40L * 256, second.tokensDone());
    assertEquals(2.6, second.trainLoss());
    assertEquals(2.7, second.evalLoss(), 1e-12);
    assertEquals(2560.0, second.tokensPerSecond());
    // 62 steps of 256 tokens left at 2560 tokens/s.
    assertEquals(62 * 256 / 2560.0, second.etaSeconds(), 1e-9);
    assertNotNull(second.updatedSecondsAgo());
    assertTrue(second.updatedSecondsAgo() < 5, "updated " + second.updatedSecondsAgo() + " s ago");
    assertEquals(
        List.of(0L, 26L, 40L),
        m.trial(trunk).orElseThrow().curve().stream().map(SweepView.CurveView::step).toList(),
        "one curve across the segments");
    // A late heartbeat of segment 1 changes nothing.
    m.report(segment(trunk, 1, 0, 26, 20, 2.9, now + 4), now + 4);
    assertEquals(40, m.trial(trunk).orElseThrow().step());
    m.taskSucceeded(trunk);
    assertEquals("running", m.trial(trunk).orElseThrow().status());

    m.report(segment(trunk, 0, 51, 102, 102, 2.4, now + 5), now + 5);
    m.taskSucceeded(trunk);
    assertEquals("finished", m.trial(trunk).orElseThrow().status());
    SweepView.Progress p = m.snapshot().progress();
    assertEquals(2, p.trunks());
    assertEquals(1, p.trunksFinished());
    assertEquals(0, p.trunksRunning());
    assertEquals(0, p.finished(), "no trial finished");
    assertEquals(0, p.running(), "a trunk is no running trial");
  }

  @Test
  void progress_countsTrunksApartAndTheTaskGraphsWorkAndItsEta() {
    List<Trial> wide = branches(32);
    String trunk = wide.get(0).trunkId();
    long now = System.currentTimeMillis();
    SweepModel m = new SweepModel(PLAN, List.of(), "1s", now - 100_000, 2);
    // Trunk 32 is at step 60 of its third segment; branch D=8192 committed, D=16384 at step 58.
    m.report(segment(trunk, 0, 0, 26, 26, 2.8, now - 50_000), now - 50_000);
    m.report(segment(trunk, 0, 51, 102, 60, 2.5, now), now);
    m.committed(SweepModelTest.outcome(wide.get(0), TrialStatus.FINISHED, 2.0));
    m.report(branch(wide.get(1), 58, now), now);

    SweepView v = m.snapshot();
    SweepView.Progress p = v.progress();
    assertEquals(6, p.planned());
    assertEquals(1, p.finished(), "the committed trials");
    assertEquals(1, p.running());
    assertEquals(2, p.trunks());
    assertEquals(1, p.trunksRunning());
    assertEquals(0, p.trunksFinished());
    double f16 = perStep(16);
    double f32 = perStep(32);
    // Each trunk to step 102, cooldowns of 32-26, 64-51 and 128-102 steps: 147 steps per width.
    assertEquals(147 * (f16 + f32), p.flopsTotal(), 1e-6 * p.flopsTotal());
    double done = f32 * (60 + (32 - 26) + (58 - 51));
    assertEquals(done, p.flopsDone(), 1e-6 * done);
    // The rate is all this run's: nothing was trained before. The longest chain left: trunk 16
    // untouched, 102 steps then 26 of cooldown at one slot's share of the rate, against trunk 32's
    // 42 steps then 26 at its own 2560 tokens/s (10 steps/s).
    double elapsed = (v.generatedAtMillis() - (now - 100_000)) / 1000.0;
    double rate = done / elapsed;
    double critical = Math.max(128 * f16 / (rate / 2), (102 - 60 + 26) / 10.0);
    double expected = Math.max((p.flopsTotal() - done) / rate, critical);
    assertEquals(expected, p.etaSeconds(), 1e-6 * expected);

    assertEquals(
        List.of("trunk", "trunk", "trial"),
        v.trials().subList(0, 3).stream().map(TrialView::kind).toList(),
        "trunks lead the table");
    TrialView row = m.trial(trunk).orElseThrow();
    assertEquals(60, row.step());
    assertEquals(102L * 256, row.tokens());
    assertEquals(f32 * 102, row.flops(), 1e-6 * row.flops());
    String json = SweepPage.json(v);
    assertTrue(json.contains("\"trunks\":2,\"trunks_running\":1,\"trunks_finished\":0"), json);
    String html = SweepPage.body(m.snapshot());
    assertTrue(html.contains("<span id=\"sweep-trunks-running\">1</span>"), html);
    assertTrue(html.contains("<span id=\"sweep-finished\">1</span>"), html);
  }

  @Test
  void rerun_ratesOnlyThisRunsWork() {
    List<Trial> wide = branches(32);
    List<Trial> narrow = branches(16);
    String trunk = wide.get(0).trunkId();
    long now = System.currentTimeMillis();
    // An earlier run committed both D=8192 branches and the whole of width 16; trunk 32 resumes
    // from its checkpoint at the fork 51.
    List<TrialOutcome> before =
        List.of(
            SweepModelTest.outcome(wide.get(0), TrialStatus.FINISHED, 2.0),
            SweepModelTest.outcome(narrow.get(0), TrialStatus.FINISHED, 2.0),
            SweepModelTest.outcome(narrow.get(1), TrialStatus.FINISHED, 2.0),
            SweepModelTest.outcome(narrow.get(2), TrialStatus.FINISHED, 2.0));
    SweepModel m = new SweepModel(PLAN, before, "1s", now - 20_000, 1);
    m.report(segment(trunk, 0, 51, 102, 51, 2.6, now - 10_000), now - 10_000);
    m.report(segment(trunk, 0, 51, 102, 71, 2.5, now), now);

    SweepView v = m.snapshot();
    SweepView.Progress p = v.progress();
    double f16 = perStep(16);
    double f32 = perStep(32);
    assertEquals(
        "finished",
        m.trial(narrow.get(0).trunkId()).orElseThrow().status(),
        "trunk 16: every branch committed");
    assertEquals(1, p.trunksFinished());
    assertEquals(1, p.trunksRunning());
    double done = 147 * f16 + f32 * (71 + 6);
    assertEquals(done, p.flopsDone(), 1e-6 * done);
    double elapsed = (v.generatedAtMillis() - (now - 20_000)) / 1000.0;
    double rate = f32 * 20 / elapsed;
    // Left: 31 trunk steps, 13 and 26 cooldown steps; the chain: 31 + 26 steps at the trunk's 10
    // steps/s.
    double left = f32 * (31 + 13 + 26);
    assertEquals(147 * (f16 + f32) - done, left, 1e-6 * left);
    double expected = Math.max(left / rate, (31 + 26) / 10.0);
    assertEquals(expected, p.etaSeconds(), 1e-6 * expected);
  }

  @Test
  void eta_aSegmentsSlowFirstStepsCountAtLeastOneSlotsShareOfTheRate() {
    String trunk = branches(32).get(0).trunkId();
    long now = System.currentTimeMillis();
    SweepModel m = new SweepModel(PLAN, List.of(), "1s", now - 10_000, 2);
    // Step 20 of the first segment, at 1 token/s so far (the segment's set-up counts in it).
    m.report(
        new LiveProgress(
            "wsd",
            trunk,
            0,
            "e",
            "h",
            "cpu()",
            20,
            102,
            20 * 256,
            2.5,
            Double.NaN,
            1.0,
            now - 10_000,
            now,
            List.of(),
            0,
            26),
        now);
    SweepView v = m.snapshot();
    double f16 = perStep(16);
    double f32 = perStep(32);
    double elapsed = (v.generatedAtMillis() - (now - 10_000)) / 1000.0;
    double rate = 20 * f32 / elapsed;
    // Trunk 32's chain, 82 steps then 26, at one slot's share (not at 1 token/s: 27648 s).
    double chain = (102 - 20 + 26) * f32 / (rate / 2);
    double expected =
        Math.max((147 * (f16 + f32) - 20 * f32) / rate, Math.max(chain, 128 * f16 / (rate / 2)));
    assertEquals(expected, v.progress().etaSeconds(), 1e-6 * expected);
    assertTrue(v.progress().etaSeconds() < 1000, "ETA " + v.progress().etaSeconds());
  }
}
