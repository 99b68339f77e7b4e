package dev.scaling.common.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.model.MupSettings;
import dev.scaling.common.trial.ConfigWalk;
import dev.scaling.common.trial.TrialConfig;
import org.junit.jupiter.api.Test;

class ParametrizationSpecTest {

  static String spec(String modelExtra) {
    return """
        name: t1
        seed: 7
        data:
          source: synthetic
        model:
          context: 32
          head_size: 16
        %s
        grid:
          width: [32, 64]
          depth: [1]
          tokens: [4096]
        training:
          batch_size: 8
          learning_rate: 1.0e-3
        """
        .formatted(modelExtra.indent(2).stripTrailing());
  }

  @Test
  void parse_withoutParametrizationIsStandardAndNull() {
    SweepSpec s = SpecParser.parse(spec(""));
    assertNull(s.model().parametrization());
    assertEquals("standard", ParametrizationSpec.nameOf(s.model().parametrization()));
    // naming the standard parametrization is the same spec
    assertEquals(s, SpecParser.parse(spec("parametrization: standard")));
  }

  @Test
  void parse_readsMupAndBaseWidth() {
    SweepSpec s = SpecParser.parse(spec("parametrization: mup\nbase_width: 64"));
    assertEquals(ParametrizationSpec.mup(64), s.model().parametrization());
    assertEquals("mup(base_width=64)", ParametrizationSpec.labelOf(s.model().parametrization()));
  }

  @Test
  void parse_baseWidthDefaultsTo32() {
    SweepSpec s = SpecParser.parse(spec("parametrization: mup"));
    assertEquals(new MupSettings(32), s.model().parametrization().settings());
  }

  @Test
  void parse_rejectsBaseWidthWithStandard() {
    SpecException e =
        assertThrows(SpecException.class, () -> SpecParser.parse(spec("base_width: 32")));
    assertEquals("model.base_width", e.field());
    assertTrue(e.getMessage().contains("absent unless"), e.getMessage());
  }

  @Test
  void parse_rejectsNonPositiveBaseWidth() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> SpecParser.parse(spec("parametrization: mup\nbase_width: 0")));
    assertEquals("model.base_width", e.field());
  }

  @Test
  void parse_stillRejectsUnknownModelKeys() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> SpecParser.parse(spec("parametrization: mup\nbase_widht: 32")));
    assertEquals("model.base_widht", e.field());
  }

  @Test
  void walk_omitsAbsentParametrizationSoStandardIdsStay() {
    SweepSpec s = SpecParser.parse(spec(""));
    TrainingSpec t = s.training();
    TrialConfig plain = new TrialConfig(7L, "transformer", 32, 1, 2, 32, 4096, 0, s.data(), t);
    TrialConfig explicitNull =
        new TrialConfig(7L, "transformer", 32, 1, 2, 32, 4096, 0, s.data(), t, null);
    TrialConfig mup =
        new TrialConfig(
            7L, "transformer", 32, 1, 2, 32, 4096, 0, s.data(), t, ParametrizationSpec.mup(32));
    assertFalse(ConfigWalk.canonical(plain).contains("parametrization"));
    assertEquals(ConfigWalk.canonical(plain), ConfigWalk.canonical(explicitNull));
    assertTrue(
        ConfigWalk.canonical(mup)
            .contains("parametrization.name=\"mup\"\nparametrization.base_width=32\n"),
        ConfigWalk.canonical(mup));
    assertNotEquals(ConfigWalk.canonical(plain), ConfigWalk.canonical(mup));
    assertFalse(ConfigWalk.canonical(s.model()).contains("parametrization"));
  }
}
