package dev.scaling.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.trial.Trial;
import dev.scaling.driver.live.TimeEstimate;
import dev.scaling.driver.live.TimeEstimateTest;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class TimeProbeTest {
  static final SweepSpec SPEC = TimeEstimateTest.SPEC;

  @Test
  void probe_timesEachShapeAndScalesWithSteps() {
    Plan plan = Planner.plan(SPEC);
    TimeEstimate all = TimeProbe.probe(SPEC, plan.trials(), 2, 1, new Configuration());
    assertFalse(all.provisional());
    assertTrue(all.basis().startsWith("timed probe of 2 shape(s)"), all.basis());
    assertTrue(all.seconds() > TimeEstimate.JOB_OVERHEAD, "estimate " + all.seconds());
    // The 1024-step trials of a shape cost more than its 128-step ones.
    Trial big = plan.trials().stream().filter(t -> t.tokens() == 65536).findFirst().orElseThrow();
    Trial small =
        plan.trials().stream()
            .filter(t -> t.tokens() == 8192 && t.width() == big.width())
            .findFirst()
            .orElseThrow();
    double b = TimeProbe.probe(SPEC, List.of(big), 1, 1, new Configuration()).seconds();
    double s = TimeProbe.probe(SPEC, List.of(small), 1, 1, new Configuration()).seconds();
    assertTrue(b > s, "1024 steps estimated " + b + " s, 128 steps " + s + " s");
  }

  /** Two batch sizes of one shape, split into two microbatches. */
  static final SweepSpec BATCHES =
      SpecParser.parse(
          """
          name: probe-batch
          seed: 3
          data: {source: synthetic, eval_tokens: 512}
          model: {context: 16, head_size: 8}
          grid: {width: [8], depth: [1], tokens: [8192, 16384], batch_size: [4, 16]}
          training: {batch_size: 4, learning_rate: 1.0e-3, eval_interval: 50, microbatches: 2}
          """);

  @Test
  void probeTrial_trainsTheTrialsOwnBatchSizeAndMicrobatches() {
    for (Trial t : Planner.plan(BATCHES).trials()) {
      Trial probe = TimeProbe.probeTrial(BATCHES, t);
      assertEquals(t.training().batchSize(), probe.training().batchSize());
      assertEquals(t.training().microbatchCount(), probe.training().microbatchCount());
      assertEquals(t.training().noiseScale(), probe.training().noiseScale());
      assertEquals(TimeEstimate.PROBE_STEPS, probe.steps());
      assertEquals(t.width(), probe.width());
      assertEquals(t.depth(), probe.depth());
    }
  }

  @Test
  void probe_timesEachShapeAtEachBatchSize() {
    Plan plan = Planner.plan(BATCHES);
    TimeEstimate e = TimeProbe.probe(BATCHES, plan.trials(), 1, 1, new Configuration());
    assertFalse(e.provisional(), e.basis());
    assertTrue(
        e.basis().startsWith("timed probe of 2 (shape, batch size) pair(s)"),
        "one per B: " + e.basis());
  }

  @Test
  void probe_worksForAWsdSweepWhoseWarmupIsLongerThanTheProbe() {
    // 64 tokens per step: the 12-step probe is shorter than the 32-step warmup, which a wsd trial
    // of that length would refuse; the probe times the shape under the default schedule instead.
    SweepSpec wsd =
        SpecParser.parse(
            """
            name: probe-wsd
            seed: 3
            data: {source: synthetic, eval_tokens: 512}
            model: {context: 16, head_size: 8}
            grid: {width: [8], depth: [1], tokens: [8192, 65536]}
            training:
              batch_size: 4
              learning_rate: 1.0e-3
              eval_interval: 50
              schedule: wsd
              warmup_tokens: 2048
            """);
    Plan plan = Planner.plan(wsd);
    TimeEstimate e = TimeProbe.probe(wsd, plan.trials(), 1, 1, new Configuration());
    assertFalse(e.provisional(), e.basis());
    assertTrue(e.seconds() > TimeEstimate.JOB_OVERHEAD, "estimate " + e.seconds());
  }
}
