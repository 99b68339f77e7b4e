package dev.scaling.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SpecParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrunksTest {
  /** 256 tokens per step: 32, 64 and 128 steps, forks at 26, 51, 102 (20% cooldown). */
  static final String SPEC =
      """
      name: t
      seed: 1
      data: {source: synthetic, eval_tokens: 512}
      model: {context: 32, head_size: 16}
      grid:
        width: [32, 64]
        depth: [1]
        tokens: [8192, 16384, 32768]
        learning_rate: [1.0e-3, 3.0e-3]
      training:
        batch_size: 8
        learning_rate: 3.0e-3
        schedule: wsd
        warmup_tokens: 1024
      """;

  @Test
  void of_groupsTheTokenCountsOfEachModelAndLearningRateIntoOneTrunk() {
    Plan plan = Planner.plan(SpecParser.parse(SPEC));
    List<Trunk> trunks = Trunks.of(plan.trials());
    assertEquals(4, trunks.size(), "2 widths x 2 learning rates");
    for (Trunk t : trunks) {
      assertEquals(List.of(26L, 51L, 102L), t.branches().stream().map(b -> b.forkStep()).toList());
      assertEquals(32768, t.longest().tokens());
      assertEquals(102, t.lastFork());
      // 102 trunk steps + cooldowns of 6, 13 and 26 steps against 32 + 64 + 128 steps.
      assertEquals(147.0 / 224.0, t.flops() / t.independentFlops(), 1e-12);
    }
    String text = Trunks.describe(trunks);
    assertTrue(text.contains("4 trunk(s), 12 branches"), text);
    assertTrue(text.contains("(0.66x)"), text);
    assertTrue(
        text.contains("forks at step 26 (D=8192, +6), 51 (D=16384, +13), 102 (D=32768, +26)"),
        text);
  }

  @Test
  void plan_rejectsAWarmupLongerThanTheShortestStablePhase() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () ->
                Planner.plan(
                    SpecParser.parse(SPEC.replace("warmup_tokens: 1024", "warmup_tokens: 8000"))));
    assertEquals("training.warmup_tokens", e.field());
    assertTrue(
        e.getMessage().contains("tokens 8192: 32 steps of 256 tokens, cooldown from step 26"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("found 8000"), e.getMessage());
  }

  @Test
  void plan_rejectsACooldownOfLessThanOneStep() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () ->
                Planner.plan(
                    SpecParser.parse(
                        SPEC.replace(
                            "warmup_tokens: 1024",
                            "warmup_tokens: 1024\n  cooldown_fraction: 0.01"))));
    assertEquals("training.cooldown_fraction", e.field());
    assertTrue(e.getMessage().contains("at least one step"), e.getMessage());
  }

  @Test
  void of_ignoresTrialsOfASchedulesThatDoesNotBranch() {
    Plan plan =
        Planner.plan(
            SpecParser.parse(SPEC.replace("  schedule: wsd\n  warmup_tokens: 1024\n", "")));
    assertEquals(List.of(), Trunks.of(plan.trials()));
  }
}
