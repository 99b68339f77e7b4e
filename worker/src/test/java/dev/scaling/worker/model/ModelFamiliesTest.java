package dev.scaling.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.Trial;
import dev.scaling.worker.Engines;
import dev.scaling.worker.TestTrials;
import org.junit.jupiter.api.Test;

class ModelFamiliesTest {

  @Test
  void named_rejectsAnUnknownFamilyNamingFieldRuleAndValue() {
    SpecException e = assertThrows(SpecException.class, () -> ModelFamilies.named("rnn"));
    assertEquals("model.family", e.field());
    assertEquals(
        "model.family must be one of " + ModelFamilies.names() + ", found \"rnn\"", e.getMessage());
  }

  @Test
  void named_findsTheTransformer() {
    // Other families may be registered beside it; the transformer is always one of them.
    assertTrue(ModelFamilies.names().contains("transformer"), ModelFamilies.names().toString());
    assertInstanceOf(TransformerFamily.class, ModelFamilies.named("transformer"));
  }

  @Test
  void trial_carriesItsFamilysCountsAndBuildsTheSameModel() {
    Engines.configure(1);
    Trial trial =
        TestTrials.synthetic(TestTrials.SMALL_LANGUAGE, 48, 3, 4, 24, 4096, 8, 1e-3, 1.0, 10);
    assertEquals(new TransformerFamily().paramCounts(trial.shape()), trial.params());
    try (NDManager manager = NDManager.newBaseManager(Engines.ENGINE)) {
      LanguageModel model = ModelFamilies.build(trial);
      model.initialize(manager, trial.seed());
      assertEquals(trial.nParamsTotal(), model.parameterCount());
      assertEquals(trial.vocab(), model.vocab());
      assertEquals(trial.context(), model.context());
    }
  }
}
