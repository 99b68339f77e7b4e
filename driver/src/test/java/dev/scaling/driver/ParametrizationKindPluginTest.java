package dev.scaling.driver;

import static dev.scaling.common.spec.SpecException.require;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.model.ModelFamilyKind;
import dev.scaling.common.model.ModelFamilyKinds;
import dev.scaling.common.model.ModelFamilySettings;
import dev.scaling.common.model.ParametrizationKind;
import dev.scaling.common.model.ParametrizationKinds;
import dev.scaling.common.model.ParametrizationSettings;
import dev.scaling.common.spec.ParametrizationSpec;
import dev.scaling.common.spec.SpecBlock;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.trial.ConfigWalk;
import dev.scaling.common.trial.Trial;
import dev.scaling.driver.plan.Planner;
import dev.scaling.worker.model.Parametrization;
import dev.scaling.worker.model.Parametrizations;
import dev.scaling.worker.model.WidthScaling;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The promise of the model block's kinds: a parametrization defined here, with a setting block of
 * its own ({@code model.damped: {readout}}), registered from this test and named by no main-code
 * file, is parsed from YAML, validated with messages naming its fields, refused under another
 * parametrization, and planned, its setting part of every trial id (the walk lists it as {@code
 * parametrization.damped.readout}); and a model family with a setting of its own ({@code model.toy:
 * {gates}}) gets its own block.
 */
class ParametrizationKindPluginTest {

  /** The damped parametrization's settings: a fixed readout multiplier. */
  record DampedSettings(double readout) implements ParametrizationSettings {
    DampedSettings {
      require(readout > 0 && readout <= 1, "model.damped.readout", "in (0, 1]", readout);
    }

    @Override
    public String walkKey() {
      return DampedKind.NAME;
    }
  }

  /** The spec side: one class, registered in {@link #register}. */
  static final class DampedKind implements ParametrizationKind {
    static final String NAME = "damped";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Set<String> keys() {
      return Set.of(NAME);
    }

    @Override
    public Class<DampedSettings> settingsType() {
      return DampedSettings.class;
    }

    @Override
    public DampedSettings parse(SpecBlock model) {
      SpecBlock d = model.child(NAME);
      DampedSettings settings = new DampedSettings(d.doubleValue("readout", null));
      d.rejectUnknown(Set.of("readout"));
      return settings;
    }
  }

  /** The runtime side: the standard model with its readout scaled by the setting. */
  static final class Damped implements Parametrization {
    @Override
    public String name() {
      return DampedKind.NAME;
    }

    @Override
    public WidthScaling scaling(int width, int headSize, ParametrizationSettings settings) {
      double readout = ((DampedSettings) settings).readout();
      return new WidthScaling(1.0, 1.0, readout, 1.0, 1.0 / Math.sqrt(headSize));
    }
  }

  /** A family's own settings: the spec side of a family the worker need not know to parse. */
  record ToySettings(int gates) implements ModelFamilySettings {
    ToySettings {
      require(gates >= 1, "model.toy.gates", "positive", gates);
    }

    @Override
    public String walkKey() {
      return ToyKind.NAME;
    }
  }

  static final class ToyKind implements ModelFamilyKind {
    static final String NAME = "toy";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Set<String> keys() {
      return Set.of(NAME);
    }

    @Override
    public Class<ToySettings> settingsType() {
      return ToySettings.class;
    }

    @Override
    public ToySettings parse(SpecBlock model) {
      SpecBlock t = model.child(NAME);
      ToySettings settings = new ToySettings(t.intValue("gates", null));
      t.rejectUnknown(Set.of("gates"));
      return settings;
    }
  }

  static String spec(String model) {
    return """
        name: damped
        seed: 3
        data: {source: synthetic}
        model: {context: 16, head_size: 16MODEL}
        grid: {width: [16, 32], depth: [1], tokens: [4096, 8192]}
        training: {batch_size: 8, learning_rate: 3.0e-3}
        """
        .replace("MODEL", model);
  }

  @BeforeAll
  static void register() {
    ParametrizationKinds.register(new DampedKind());
    Parametrizations.register(new Damped());
    ModelFamilyKinds.register(new ToyKind());
  }

  @Test
  void plan_carriesTheParametrizationsOwnSettingIntoEveryTrialId() {
    SweepSpec s = SpecParser.parse(spec(", parametrization: damped, damped: {readout: 0.5}"));
    assertEquals(
        new ParametrizationSpec("damped", new DampedSettings(0.5)), s.model().parametrization());
    assertEquals("damped(readout=0.5)", ParametrizationSpec.labelOf(s.model().parametrization()));
    List<Trial> trials = Planner.plan(s).trials();
    assertEquals(4, trials.size());
    for (Trial t : trials) {
      String leaves = ConfigWalk.canonical(t.config());
      assertTrue(
          leaves.endsWith("parametrization.name=\"damped\"\nparametrization.damped.readout=0.5\n"),
          leaves);
      assertEquals(0.5, Parametrizations.scaling(t).readout(), 0);
    }
    List<String> other =
        Planner.plan(SpecParser.parse(spec(", parametrization: damped, damped: {readout: 0.25}")))
            .trials()
            .stream()
            .map(Trial::trialId)
            .toList();
    for (int i = 0; i < trials.size(); i++) {
      assertNotEquals(trials.get(i).trialId(), other.get(i), "the readout is part of the id");
    }
  }

  @Test
  void parse_validatesTheParametrizationsOwnSettingNamingItsField() {
    SpecException bad =
        assertThrows(
            SpecException.class,
            () -> SpecParser.parse(spec(", parametrization: damped, damped: {readout: 2}")));
    assertEquals("model.damped.readout must be in (0, 1], found 2.0", bad.getMessage());
    SpecException unknown =
        assertThrows(
            SpecException.class,
            () ->
                SpecParser.parse(
                    spec(", parametrization: damped, damped: {readout: 0.5, bias: 1}")));
    assertEquals("model.damped.bias", unknown.field());
    SpecException missing =
        assertThrows(
            SpecException.class, () -> SpecParser.parse(spec(", parametrization: damped")));
    assertEquals("model.damped", missing.field());
  }

  @Test
  void parse_refusesTheSettingUnderAnotherParametrization() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> SpecParser.parse(spec(", parametrization: mup, damped: {readout: 0.5}")));
    assertEquals(
        "model.damped must be absent unless model.parametrization is damped (parametrization is"
            + " mup), found \"a damped block\"",
        e.getMessage());
    SpecException width =
        assertThrows(
            SpecException.class,
            () -> SpecParser.parse(spec(", parametrization: damped, base_width: 32")));
    assertEquals("model.base_width", width.field());
  }

  @Test
  void parse_givesAFamilyWithSettingsItsOwnBlock() {
    SweepSpec s = SpecParser.parse(spec(", family: toy, toy: {gates: 3}"));
    assertEquals(new ToySettings(3), s.model().familySettings());
    assertNull(s.model().parametrization());
    assertTrue(
        ConfigWalk.canonical(s).contains("model.head_size=16\nmodel.toy.gates=3\n"),
        ConfigWalk.canonical(s));
    SpecException other =
        assertThrows(SpecException.class, () -> SpecParser.parse(spec(", toy: {gates: 3}")));
    assertEquals(
        "model.toy must be absent unless model.family is toy (model.family is transformer), found"
            + " \"a toy block\"",
        other.getMessage());
    SpecException bad =
        assertThrows(
            SpecException.class, () -> SpecParser.parse(spec(", family: toy, toy: {gates: 0}")));
    assertEquals("model.toy.gates must be positive, found 0", bad.getMessage());
    // The worker has no runtime for it: planning names the family.
    SpecException plan = assertThrows(SpecException.class, () -> Planner.plan(s));
    assertEquals("model.family", plan.field());
  }
}
