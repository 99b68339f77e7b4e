package dev.scaling.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.spec.SpecException;
import org.junit.jupiter.api.Test;

class SweepRequestTest {
  @Test
  void builder_defaultsAreTheCommandLines() {
    SweepRequest r = SweepRequest.builder("spec.yaml", "out").build();
    assertEquals(ResumePolicy.RESUME, r.resume());
    assertEquals(SweepRequest.DEFAULT_CHECKPOINT_SECONDS, r.checkpointSeconds());
    assertEquals(FitOptions.defaults().huberDelta(), r.huberDelta());
    assertEquals(FitOptions.defaults().bootstrap(), r.bootstrap());
  }

  @Test
  void request_rejectsNegativeCheckpointSecondsNamingTheOption() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> SweepRequest.builder("s", "o").checkpointSeconds(-1).build());
    assertEquals("--checkpoint-every", e.field());
  }

  @Test
  void finalFit_derivesTheBootstrapSeedFromTheSweepSeed() {
    SweepRequest r = SweepRequest.builder("s", "o").bootstrap(17).huberDelta(0.01).build();
    FitOptions a = SweepService.finalFit(r, 1);
    FitOptions b = SweepService.finalFit(r, 2);
    assertEquals(17, a.bootstrap());
    assertEquals(0.01, a.huberDelta());
    assertEquals(
        dev.scaling.common.trial.Seeds.derive(1, "bootstrap"), a.seed(), "seed of sweep 1");
    assertEquals(dev.scaling.common.trial.Seeds.derive(2, "bootstrap"), b.seed());
  }
}
