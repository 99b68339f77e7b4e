package dev.scaling.driver.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaling.common.spec.CooldownShape;
import dev.scaling.common.spec.LrBatchScaling;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.spec.WsdSpec;
import org.junit.jupiter.api.Test;

/**
 * The batch-size settings of {@link TrainingSpec} in commit files: written, read, and defaulted.
 */
class TrainingSpecJsonTest {
  static final ObjectMapper JSON = new ObjectMapper().registerModule(TrainingSpecJson.module());

  static final TrainingSpec COSINE = new TrainingSpec(16, 3e-3, 0.05, 0.1, 1.0, 50);

  @Test
  void roundTrip_keepsEveryBatchSetting() throws Exception {
    TrainingSpec t =
        COSINE
            .withMicrobatches(4)
            .withNoiseScale(false)
            .withLrBatchScaling(LrBatchScaling.SQRT, 8)
            .withBatchSize(32);
    String json = JSON.writeValueAsString(t);
    assertTrue(
        json.endsWith(
            "\"microbatches\":4,\"noiseScale\":false,\"lrBatchScaling\":\"sqrt\","
                + "\"baseBatchSize\":8}"),
        json);
    assertEquals(t, JSON.readValue(json, TrainingSpec.class));
  }

  @Test
  void roundTrip_ofAWsdTrialKeepsItsSettingsAndTheBatchOnes() throws Exception {
    TrainingSpec t =
        new TrainingSpec(
                8, 1e-3, 0.0, 0.0, 1.0, 10, "wsd", new WsdSpec(1024, 0.2, CooldownShape.LINEAR))
            .withMicrobatches(2)
            .withLrBatchScaling(LrBatchScaling.LINEAR, 16);
    String json = JSON.writeValueAsString(t);
    assertTrue(json.contains("\"schedule\":\"wsd\",\"wsd\":{"), json);
    assertEquals(t, JSON.readValue(json, TrainingSpec.class));
  }

  @Test
  void write_leavesOutOneMicrobatchAndNoBaseBatchSize() throws Exception {
    String json = JSON.writeValueAsString(COSINE);
    assertFalse(json.contains("microbatches"), json);
    assertFalse(json.contains("baseBatchSize"), json);
    assertTrue(json.endsWith("\"noiseScale\":true,\"lrBatchScaling\":\"none\"}"), json);
    assertEquals(COSINE, JSON.readValue(json, TrainingSpec.class));
  }

  @Test
  void read_ofACommitFileWithoutTheBatchSettingsGivesTheDefaults() throws Exception {
    // A training block as commit files held it before batch size was an axis.
    String older =
        "{\"batchSize\":16,\"learningRate\":0.003,\"warmupFraction\":0.05,"
            + "\"minLrFraction\":0.1,\"gradClip\":1.0,\"evalInterval\":50,\"schedule\":\"cosine\"}";
    TrainingSpec t = JSON.readValue(older, TrainingSpec.class);
    assertEquals(COSINE, t);
    assertNull(t.microbatches());
    assertTrue(t.noiseScale());
    assertEquals(LrBatchScaling.NONE, t.lrBatchScaling());
    assertNull(t.baseBatchSize());
  }
}
