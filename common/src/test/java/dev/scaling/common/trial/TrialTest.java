package dev.scaling.common.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scaling.common.spec.DataSource;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SyntheticSpec;
import dev.scaling.common.spec.TrainingSpec;
import org.junit.jupiter.api.Test;

class TrialTest {
  static final DataSpec DATA = new DataSpec(DataSource.SYNTHETIC, null, "bytes", 0.1, 1024, SyntheticSpec.DEFAULT);
  static final TrainingSpec TRAINING = new TrainingSpec(16, 3e-3, 0.05, 0.1, 1.0, 50);

  static Trial trial(int width, int depth, long tokens) {
    return Trial.of("s", 42, width, depth, width / 16, 64, tokens, 0, DATA, TRAINING);
  }

  @Test
  void trial_countsKaplanNAndFlops() {
    Trial t = trial(64, 2, 1_048_576);
    assertEquals(12L * 2 * 64 * 64, t.nParams());
    assertEquals(6.0 * 98_304 * 1_048_576, t.flops());
    assertEquals(1_048_576 / (16 * 64), t.steps());
    assertEquals(1_048_576.0 / 98_304, t.tokensPerParam(), 1e-12);
    // V*C + T*C + L*(12C^2+13C) + 2C + C*V + V with V=64, T=64, C=64, L=2
    assertEquals(64 * 64 + 64 * 64 + 2 * (12 * 64 * 64 + 13 * 64) + 2 * 64 + 64 * 64 + 64, t.nParamsTotal());
  }

  @Test
  void trialId_isStableAndSensitiveToEveryField() {
    assertEquals(trial(64, 2, 65536).trialId(), trial(64, 2, 65536).trialId());
    assertEquals(16, trial(64, 2, 65536).trialId().length());
    assertNotEquals(trial(64, 2, 65536).trialId(), trial(64, 3, 65536).trialId());
    assertNotEquals(trial(64, 2, 65536).trialId(), trial(64, 2, 65537).trialId());
    Trial otherLr = Trial.of("s", 42, 64, 2, 4, 64, 65536, 0, DATA, new TrainingSpec(16, 1e-3, 0.05, 0.1, 1.0, 50));
    assertNotEquals(trial(64, 2, 65536).trialId(), otherLr.trialId());
  }

  @Test
  void seeds_deriveFromSweepSeedAndDifferPerTrial() {
    assertNotEquals(trial(64, 2, 65536).seed(), trial(64, 3, 65536).seed());
    assertEquals(trial(64, 2, 65536).dataSeed(), trial(128, 3, 65536).dataSeed(), "same data order for every model of a replica");
    assertEquals(trial(64, 2, 65536).evalSeed(), trial(32, 1, 4096).evalSeed());
  }

  @Test
  void trial_rejectsWidthNotMultipleOfHeads() {
    SpecException e = assertThrows(SpecException.class, () -> Trial.of("s", 1, 96, 1, 64, 64, 65536, 0, DATA, TRAINING));
    assertEquals("width must be a positive multiple of heads (64), found 96", e.getMessage());
  }

  @Test
  void trial_rejectsZeroTokens() {
    SpecException e = assertThrows(SpecException.class, () -> trial(64, 2, 0));
    assertEquals("tokens must be at least one batch (1024), found 0", e.getMessage());
  }
}
