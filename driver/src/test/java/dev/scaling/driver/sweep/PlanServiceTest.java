package dev.scaling.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecException;
import dev.scaling.driver.power.DesignRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan layer called as a library: no command line, no Spark. */
class PlanServiceTest {
  static final String SPEC =
      """
      name: planned
      seed: 9
      data: {source: synthetic, eval_tokens: 512}
      model: {context: 16, head_size: 8}
      grid:
        width: [8, 16, 24]
        depth: [1]
        tokens: [8192, 16384, 32768]
        learning_rate: [1.0e-3, 2.0e-3]
      training: {batch_size: 4, learning_rate: 1.0e-3, eval_interval: 50}
      """;

  static String spec(Path dir) throws IOException {
    Path file = dir.resolve("spec.yaml");
    Files.writeString(file, SPEC);
    return file.toString();
  }

  @Test
  void plan_mergesLearningRateSiblingsIntoOneFittedRow(@TempDir Path dir) throws IOException {
    PlanOutcome o = PlanService.plan(PlanRequest.builder(spec(dir)).build());
    // 3 widths x 3 token counts x 2 learning rates: 18 trials, 9 rows of 2 copies each.
    assertEquals(18, o.plan().trials().size());
    assertEquals(9, o.design().size());
    o.design().forEach(r -> assertEquals(2, r.copies(), r.toString()));
    assertEquals(3, o.design().stream().mapToDouble(DesignRow::n).distinct().count());
    assertEquals(3, o.design().stream().mapToDouble(DesignRow::d).distinct().count(), "distinct D");
    assertNull(o.power());
    assertTrue(o.printed().contains("Fit design: 9 rows"), o.printed());
  }

  @Test
  void plan_withPowerSimulatesUnderTheGivenNoise(@TempDir Path dir) throws IOException {
    PlanOutcome o =
        PlanService.plan(
            PlanRequest.builder(spec(dir)).power(true).noise(0.01).simulations(8).build());
    assertNotNull(o.power());
    assertEquals(0.01, o.power().noise().sd());
    assertTrue(o.printed().contains("Design power: 8 simulated sweeps"), o.printed());
  }

  @Test
  void plan_refusesAssumeTogetherWithAssumeFrom(@TempDir Path dir) throws IOException {
    PlanRequest r =
        PlanRequest.builder(spec(dir))
            .power(true)
            .assume(PlanRequest.CHINCHILLA_PUBLISHED)
            .assumeFrom(dir.toString())
            .build();
    SpecException e = assertThrows(SpecException.class, () -> PlanService.plan(r));
    assertEquals("--assume-from", e.field());
  }
}
