package dev.scaling.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.trial.Trial;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlannerTest {

  static SweepSpec quickstart() throws Exception {
    return SpecParser.parse(Path.of("..", "examples", "quickstart.yaml"));
  }

  @Test
  void plan_expandsEveryGridPointOnceWithStableIds() throws Exception {
    Plan plan = Planner.plan(quickstart());
    assertEquals(36, plan.trials().size());
    assertEquals(36, new HashSet<>(plan.trials().stream().map(Trial::trialId).toList()).size());
    assertEquals(
        plan.trials().stream().map(Trial::trialId).toList(),
        Planner.plan(quickstart()).trials().stream().map(Trial::trialId).toList(),
        "planning the same spec twice gives the same ids in the same order");
  }

  @Test
  void plan_ordersByDescendingCost() throws Exception {
    List<Trial> trials = Planner.plan(quickstart()).trials();
    for (int i = 1; i < trials.size(); i++) {
      assertTrue(trials.get(i - 1).flops() >= trials.get(i).flops(), "trial " + i + " costs more than trial " + (i - 1));
    }
    Trial first = trials.get(0);
    assertEquals(128, first.width());
    assertEquals(3, first.depth());
    assertEquals(524_288, first.tokens());
  }

  @Test
  void plan_totalsAndLowerBound() throws Exception {
    Plan plan = Planner.plan(quickstart());
    double sum = plan.trials().stream().mapToDouble(t -> 6.0 * 12 * t.depth() * t.width() * t.width() * t.tokens()).sum();
    assertEquals(sum, plan.totalFlops(), sum * 1e-12);
    assertEquals(Math.max(sum / 2, plan.maxTrialFlops()) / 1e9, plan.estimatedSeconds(2, 1e9), 1e-9);
    String text = plan.describe(2);
    assertTrue(text.startsWith("Plan for sweep 'quickstart': 36 trials (3 widths x 3 depths x 4 token counts x 1 learning rates x 1 seeds)"), text);
  }
}
