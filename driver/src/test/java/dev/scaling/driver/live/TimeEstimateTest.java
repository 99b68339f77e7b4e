package dev.scaling.driver.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The estimate's arithmetic; {@code TimeProbeTest} times real probes of the same spec. */
public class TimeEstimateTest {
  /** A two-shape synthetic spec small enough to probe in seconds. */
  public static final SweepSpec SPEC =
      SpecParser.parse(
          """
          name: probe
          seed: 3
          data: {source: synthetic, eval_tokens: 512}
          model: {context: 16, head_size: 8}
          grid: {width: [8, 16], depth: [1], tokens: [8192, 65536]}
          training: {batch_size: 4, learning_rate: 1.0e-3, eval_interval: 50}
          """);

  @Test
  void provisionalAndRefined_useTheStatedThroughput() {
    Plan plan = Planner.plan(SPEC);
    double total = plan.totalFlops();
    double biggest = plan.maxTrialFlops();
    TimeEstimate p = TimeEstimate.provisional(plan.trials(), 1, 1e9);
    assertTrue(p.provisional());
    assertEquals(total / 1e9, p.seconds(), 1e-9);
    // Many slots: the biggest trial bounds it.
    assertEquals(biggest / 1e9, TimeEstimate.provisional(plan.trials(), 64, 1e9).seconds(), 1e-9);
    assertNull(TimeEstimate.refined(plan, List.of(), List.of(), 2));
  }
}
