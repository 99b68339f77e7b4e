package dev.scaling.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.scaling.common.model.ParametrizationKinds;
import dev.scaling.common.spec.DataSource;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.ParametrizationSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SyntheticSpec;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.worker.Engines;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ParametrizationsTest {

  @BeforeAll
  static void engine() {
    Engines.configure(1);
  }

  @Test
  void registry_listsStandardAndMup() {
    assertEquals(List.of("standard", "mup"), Parametrizations.names());
  }

  @Test
  void named_unknownNamesTheFieldTheNamesAndTheValue() {
    SpecException e = assertThrows(SpecException.class, () -> Parametrizations.named("mupp"));
    assertEquals("model.parametrization", e.field());
    assertTrue(e.getMessage().contains("[standard, mup]"), e.getMessage());
    assertTrue(e.getMessage().contains("mupp"), e.getMessage());
  }

  @Test
  void trial_withAParametrizationTheWorkerDoesNotKnowFailsWhenPlanned() {
    // Known to the spec side (so specs may name it), with no runtime registered here.
    ParametrizationKinds.register(() -> "sp");
    DataSpec data =
        DataSpec.builder(DataSource.SYNTHETIC)
            .evalTokens(2048)
            .settings(SyntheticSpec.DEFAULT)
            .build();
    TrainingSpec training = new TrainingSpec(8, 1e-3, 0.1, 0.1, 1.0, 10);
    TrialConfig config =
        new TrialConfig(
            7L,
            "transformer",
            64,
            1,
            4,
            16,
            4096,
            0,
            data,
            training,
            new ParametrizationSpec("sp", null));
    SpecException e = assertThrows(SpecException.class, () -> ModelFamilies.trial("t", config));
    assertEquals("model.parametrization", e.field());
  }

  @Test
  void mup_atBaseWidthIsStandard() {
    assertEquals(WidthScaling.standard(16), new MupParametrization().scaling(32, 16, 32));
    assertTrue(new MupParametrization().scaling(64, 16, 64).isStandard(16));
  }

  @Test
  void mup_scalesHiddenInitReadoutAndLearningRateWithWidth() {
    WidthScaling s = new MupParametrization().scaling(128, 16, 32);
    assertEquals(4.0, s.widthMult(), 0);
    assertEquals(0.5, s.hiddenInit(), 1e-15);
    assertEquals(0.25, s.readout(), 1e-15);
    assertEquals(0.25, s.hiddenLearningRate(), 1e-15);
    assertEquals(0.25, s.attentionScale(), 1e-15); // 1/sqrt(16): the head size does not change
  }

  @Test
  void standard_ignoresWidth() {
    assertEquals(WidthScaling.standard(16), new StandardParametrization().scaling(256, 16, null));
  }

  @Test
  void decoderModel_appliesMupInitAndLearningRatesPerParameter() {
    WidthScaling mup = new MupParametrization().scaling(256, 16, 32); // width_mult 8
    DecoderModel model = new DecoderModel(64, 16, 256, 2, 16, mup);
    try (NDManager manager = NDManager.newBaseManager(Engines.ENGINE)) {
      model.initialize(manager, 5L);
      int hidden = 0;
      for (Pair<String, Parameter> e : model.getParameters()) {
        String name = e.getKey();
        float[] v = e.getValue().getArray().toFloatArray();
        double std = std(v);
        double lrMult = model.learningRateMultiplier(name);
        if (name.endsWith("qkv_weight") || name.endsWith("fc1_weight")) {
          hidden++;
          assertEquals(0.02 / Math.sqrt(8), std, 0.02 / Math.sqrt(8) * 0.05, name);
          assertEquals(1.0 / 8, lrMult, 0, name);
        } else if (name.endsWith("proj_weight") || name.endsWith("fc2_weight")) {
          hidden++;
          double expected = 0.02 / Math.sqrt(2 * 2) / Math.sqrt(8);
          assertEquals(expected, std, expected * 0.05, name);
          assertEquals(1.0 / 8, lrMult, 0, name);
        } else if (name.endsWith("embedding") || name.endsWith("head_weight")) {
          assertEquals(0.02, std, 0.02 * 0.05, name);
          assertEquals(1.0, lrMult, 0, name);
        } else {
          assertEquals(1.0, lrMult, 0, name); // biases and LayerNorm
        }
      }
      assertEquals(8, hidden); // 4 matrices in each of 2 blocks
    }
  }

  private static double std(float[] v) {
    double sum = 0;
    double sq = 0;
    for (float x : v) {
      sum += x;
      sq += (double) x * x;
    }
    double mean = sum / v.length;
    return Math.sqrt(sq / v.length - mean * mean);
  }
}
