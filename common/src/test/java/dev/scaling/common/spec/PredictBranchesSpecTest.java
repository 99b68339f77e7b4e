package dev.scaling.common.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.curve.CurveLawForm;
import dev.scaling.common.trial.ConfigWalk;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code training.predict_branches} and {@code training.curve_law}: parsed by the wsd kind, each
 * rule refused with the field, the rule and the value, and invisible to the configuration walk.
 */
class PredictBranchesSpecTest {

  /** Five token counts under wsd. */
  static final String WSD =
      """
      name: p
      seed: 7
      data:
        source: synthetic
        eval_tokens: 1024
      model:
        context: 32
        head_size: 16
      grid:
        width: [32, 64]
        depth: [1]
        tokens: [8192, 16384, 32768, 65536, 131072]
      training:
        batch_size: 8
        learning_rate: 1.0e-3
        schedule: wsd
        warmup_tokens: 1024
      """;

  @Test
  void parse_readsPredictBranchesWithTheDefaultLaw() {
    WsdSpec w =
        SpecParser.parse(WSD + "  predict_branches: 3\n").training().settings(WsdSpec.class);
    assertEquals(3, w.predictBranches());
    assertEquals(CurveLawForm.MPL, w.curveLaw(), "mpl unless training.curve_law says otherwise");
    assertTrue(w.predicts());
  }

  @Test
  void parse_readsTheCurveLaw() {
    WsdSpec w =
        SpecParser.parse(WSD + "  predict_branches: 5\n  curve_law: annealing\n")
            .training()
            .settings(WsdSpec.class);
    assertEquals(5, w.predictBranches(), "as many as the token counts is allowed");
    assertEquals(CurveLawForm.ANNEALING, w.curveLaw());
  }

  @Test
  void parse_withoutPredictBranchesEveryBranchTrains() {
    WsdSpec w = SpecParser.parse(WSD).training().settings(WsdSpec.class);
    assertNull(w.predictBranches());
    assertNull(w.curveLaw());
    assertFalse(w.predicts());
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of(
            "  predict_branches: 2.5\n",
            "training.predict_branches must be a whole number, found 2.5"),
        Arguments.of(
            "  predict_branches: three\n",
            "training.predict_branches must be a whole number, found \"three\""),
        Arguments.of(
            "  predict_branches: 1\n",
            "training.predict_branches must be a whole number >= 2 (the first and the last branch"
                + " of each trunk are always trained), found 1"),
        Arguments.of(
            "  predict_branches: 0\n", "training.predict_branches must be a whole number >= 2"),
        Arguments.of(
            "  predict_branches: 6\n",
            "training.predict_branches must be at most the number of token counts in grid.tokens"
                + " (5), found 6"),
        Arguments.of(
            "  predict_branches: 3\n  curve_law: chinchilla\n",
            "training.curve_law must be one of mpl, annealing, found \"chinchilla\""),
        Arguments.of(
            "  curve_law: mpl\n",
            "training.curve_law must be absent unless training.predict_branches is given"));
  }

  @ParameterizedTest
  @MethodSource("refused")
  void parse_refusesEachRuleNamingFieldRuleAndValue(String extra, String expected) {
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(WSD + extra));
    assertTrue(
        e.getMessage().startsWith(expected),
        () -> "expected <" + expected + "...> but was <" + e.getMessage() + ">");
  }

  @Test
  void parse_refusesPredictBranchesUnderAnotherSchedule() {
    String cosine =
        WSD.replace("  schedule: wsd\n  warmup_tokens: 1024\n", "") + "  predict_branches: 3\n";
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(cosine));
    assertEquals(
        "training.predict_branches must be absent unless training.schedule is wsd (schedule is"
            + " cosine), found 3",
        e.getMessage());
  }

  @Test
  void parse_refusesPredictBranchesWithAnIsoflopGrid() {
    String iso =
        WSD.replace(
                "  tokens: [8192, 16384, 32768, 65536, 131072]\n",
                """
                  isoflop:
                    budgets: [1.0e11, 3.0e+11, 1000000000000]
                    models: 7
                    span: 16
                    tokens_per_param: 20
                """)
            + "  predict_branches: 2\n";
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(iso));
    assertTrue(
        e.getMessage().startsWith("training.predict_branches must be absent with grid.isoflop"),
        e.getMessage());
  }

  @Test
  void walk_predictionSettingsAddNoLeaf() {
    SweepSpec plain = SpecParser.parse(WSD);
    SweepSpec predicted = SpecParser.parse(WSD + "  predict_branches: 3\n  curve_law: annealing\n");
    assertEquals(ConfigWalk.canonical(plain), ConfigWalk.canonical(predicted));
    assertTrue(
        ConfigWalk.canonical(plain).contains("training.wsd.cooldown_shape=ONE_MINUS_SQRT\n"),
        "the wsd leaves keep their paths");
    assertEquals(
        plain.training().settings(WsdSpec.class),
        predicted.training().settings(WsdSpec.class).withoutPrediction());
  }
}
