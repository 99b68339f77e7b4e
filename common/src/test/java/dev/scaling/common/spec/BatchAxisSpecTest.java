package dev.scaling.common.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.trial.ConfigWalk;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The batch-size keys of a spec as the parser reads them: {@code grid.batch_size}, {@code
 * training.microbatches}, {@code training.noise_scale}, {@code training.lr_batch_scaling} and
 * {@code training.base_batch_size}, their defaults, and every refusal with its exact message.
 */
class BatchAxisSpecTest {

  /** A spec whose GRID and TRAINING lines a test replaces. */
  static String spec(String grid, String training) {
    return """
        name: batch
        seed: 7
        data: {source: synthetic, eval_tokens: 1024}
        model: {context: 16, head_size: 8}
        grid:
          width: [8, 16]
          depth: [1]
          tokens: [4096, 8192]
          GRID
        training:
          batch_size: 8
          learning_rate: 1.0e-3
          TRAINING
        """
        .replace("GRID", grid)
        .replace("TRAINING", training);
  }

  static SpecException refused(String grid, String training) {
    return assertThrows(SpecException.class, () -> SpecParser.parse(spec(grid, training)));
  }

  @Test
  void parse_withoutTheKeysHasTheDefaults() {
    SweepSpec s = SpecParser.parse(spec("", ""));
    assertEquals(List.of(), s.grid().batchSize());
    assertFalse(s.grid().hasBatchAxis());
    assertNull(s.training().microbatches());
    assertEquals(1, s.training().microbatchCount());
    assertTrue(s.training().noiseScale());
    assertFalse(s.training().measuresNoiseScale());
    assertEquals(LrBatchScaling.NONE, s.training().lrBatchScaling());
    assertNull(s.training().baseBatchSize());
    assertEquals(8, s.training().learningRateBase());
    assertEquals(4, s.grid().size());
  }

  @Test
  void parse_readsEveryBatchKey() {
    SweepSpec s =
        SpecParser.parse(
            spec(
                "batch_size: [4, 8, 16, 32]",
                "microbatches: 4\n  noise_scale: off\n  lr_batch_scaling: sqrt\n"
                    + "  base_batch_size: 16"));
    assertEquals(List.of(4, 8, 16, 32), s.grid().batchSize());
    assertEquals(2 * 2 * 4, s.grid().size(), "2 widths x 2 token counts x 4 batch sizes");
    assertEquals(4, s.training().microbatches());
    assertFalse(s.training().noiseScale());
    assertEquals(LrBatchScaling.SQRT, s.training().lrBatchScaling());
    assertEquals(16, s.training().baseBatchSize());
    assertEquals(16, s.training().learningRateBase());
  }

  @ParameterizedTest
  @CsvSource({"on, true", "off, false", "true, true", "false, false", "'\"on\"', true"})
  void parse_readsNoiseScaleOnOffAndTheBooleansYamlMakesOfThem(String written, boolean on) {
    TrainingSpec t =
        SpecParser.parse(spec("", "microbatches: 2\n  noise_scale: " + written)).training();
    assertEquals(on, t.noiseScale());
    assertEquals(on, t.measuresNoiseScale());
  }

  @Test
  void parse_oneMicrobatchIsNoneAndKeepsTheTrialId() {
    TrainingSpec one = SpecParser.parse(spec("", "microbatches: 1")).training();
    TrainingSpec none = SpecParser.parse(spec("", "")).training();
    assertNull(one.microbatches());
    assertEquals(ConfigWalk.canonical(none), ConfigWalk.canonical(one));
  }

  @Test
  void parse_refusesABatchSizeThatIsNoMultipleOfTheMicrobatches() {
    SpecException e = refused("batch_size: [4, 8, 6]", "microbatches: 4\n  noise_scale: on");
    assertEquals("grid.batch_size[2]", e.field());
    assertEquals(
        "grid.batch_size[2] must be a multiple of training.microbatches (4), found 6",
        e.getMessage());
    e = refused("", "microbatches: 3");
    assertEquals(
        "training.batch_size must be a multiple of training.microbatches (3), found 8",
        e.getMessage());
  }

  @Test
  void parse_refusesTokensBelowOneBatchOfTheLargestBatchSize() {
    // context 16: the largest batch of 512 sequences is 8192 tokens, more than grid.tokens[0].
    SpecException e = refused("batch_size: [8, 512, 64]", "");
    assertEquals("grid.tokens[0]", e.field());
    assertEquals(
        "grid.tokens[0] must be at least one batch of the largest batch size (the largest"
            + " grid.batch_size x model.context = 512 x 16 = 8192), found 4096",
        e.getMessage());
    // 8192 tokens are one batch of 512: the other token count is enough.
    SpecException over = refused("batch_size: [8, 1024]", "");
    assertEquals("grid.tokens[0]", over.field());
  }

  @Test
  void parse_refusesBadBatchSizes() {
    assertEquals(
        "grid.batch_size[1] must be positive, found 0",
        refused("batch_size: [8, 0]", "").getMessage());
    assertEquals(
        "grid.batch_size[2] must be distinct from earlier values, found 8",
        refused("batch_size: [8, 16, 8]", "").getMessage());
    assertEquals(
        "grid.batch_size must be a non-empty list (or absent), found []",
        refused("batch_size: []", "").getMessage());
    assertEquals(
        "grid.batch_size must be a non-empty list, found 16",
        refused("batch_size: 16", "").getMessage());
    assertEquals(
        "grid.batch_size[1] must be a whole number, found 1.5",
        refused("batch_size: [8, 1.5]", "").getMessage());
  }

  @Test
  void parse_refusesBadMicrobatchesAndBaseBatchSize() {
    assertEquals(
        "training.microbatches must be a positive whole number, found 0",
        refused("", "microbatches: 0").getMessage());
    assertEquals(
        "training.base_batch_size must be a positive whole number, found -8",
        refused("", "lr_batch_scaling: linear\n  base_batch_size: -8").getMessage());
    assertEquals(
        "training.base_batch_size must be absent unless training.lr_batch_scaling is sqrt or"
            + " linear (it is the batch size at which training.learning_rate is the peak as"
            + " written; training.lr_batch_scaling is none), found 16",
        refused("", "base_batch_size: 16").getMessage());
  }

  @Test
  void parse_refusesAnUnknownScalingRule() {
    SpecException e = refused("", "lr_batch_scaling: cubic");
    assertEquals("training.lr_batch_scaling", e.field());
    assertEquals(
        "training.lr_batch_scaling must be one of [none, sqrt, linear], found \"cubic\"",
        e.getMessage());
  }

  @Test
  void parse_refusesANoiseScaleThatIsNotOnOrOff() {
    SpecException e = refused("", "microbatches: 2\n  noise_scale: sometimes");
    assertEquals("training.noise_scale", e.field());
    assertEquals("training.noise_scale must be on or off, found \"sometimes\"", e.getMessage());
    assertEquals(
        "training.noise_scale must be on or off, found 1",
        refused("", "microbatches: 2\n  noise_scale: 1").getMessage());
  }

  @Test
  void parse_refusesTheNoiseScaleOnWithOneMicrobatch() {
    SpecException e = refused("", "noise_scale: on");
    assertEquals("training.noise_scale", e.field());
    assertEquals(
        "training.noise_scale must be off (or absent) unless training.microbatches is 2 or more"
            + " (the noise scale compares the gradients of the microbatches with the whole"
            + " batch's; training.microbatches is 1), found \"on\"",
        e.getMessage());
    // Off with one microbatch, and on by default, are fine.
    assertFalse(SpecParser.parse(spec("", "noise_scale: off")).training().noiseScale());
  }

  @Test
  void parse_refusesAGridPastTheTrialLimitCountingBatchSizes() {
    String before = System.getProperty(TrialLimit.PROPERTY);
    System.setProperty(TrialLimit.PROPERTY, "10");
    try {
      SpecException e = refused("batch_size: [4, 8, 16]", "");
      assertEquals("grid", e.field());
      assertTrue(
          e.getMessage()
              .startsWith(
                  "grid: expands to 12 trials (2 widths x 1 depths x 2 token counts x 1 learning"
                      + " rates x 3 batch sizes x 1 seeds), more than the limit of 10 trials"),
          e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty(TrialLimit.PROPERTY);
      } else {
        System.setProperty(TrialLimit.PROPERTY, before);
      }
    }
  }

  @Test
  void parse_refusesAnUnknownGridOrTrainingKeyListingTheBatchKeys() {
    SpecException e = refused("batch_sizes: [8, 16]", "");
    assertEquals("grid.batch_sizes", e.field());
    assertTrue(e.getMessage().contains("batch_size,"), e.getMessage());
    e = refused("", "micro_batches: 2");
    assertEquals("training.micro_batches", e.field());
    assertTrue(
        e.getMessage().contains("base_batch_size")
            && e.getMessage().contains("lr_batch_scaling")
            && e.getMessage().contains("microbatches")
            && e.getMessage().contains("noise_scale"),
        e.getMessage());
  }
}
