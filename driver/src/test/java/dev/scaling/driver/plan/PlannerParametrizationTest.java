package dev.scaling.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.ParametrizationSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.Trial;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The planner carries {@code model.parametrization} onto every trial and checks its name. */
class PlannerParametrizationTest {

  static String yaml(String modelExtra) {
    return """
        name: plan-mup
        seed: 5
        data: {source: synthetic}
        model: {context: 16, head_size: 16%s}
        grid: {width: [32, 64], depth: [1], tokens: [8192], learning_rate: [1.0e-3, 2.0e-3]}
        training: {batch_size: 4, learning_rate: 2.0e-3}
        """
        .formatted(modelExtra);
  }

  @Test
  void plan_carriesMupOntoEveryTrialAndChangesTheirIds() {
    List<Trial> mup = Planner.plan(SpecParser.parse(yaml(", parametrization: mup"))).trials();
    List<Trial> standard = Planner.plan(SpecParser.parse(yaml(""))).trials();
    assertEquals(4, mup.size());
    for (Trial t : mup) {
      assertEquals(ParametrizationSpec.mup(32), t.parametrization());
    }
    for (Trial t : standard) {
      assertNull(t.parametrization());
    }
    assertNotEquals(
        mup.stream().map(Trial::trialId).sorted().toList(),
        standard.stream().map(Trial::trialId).sorted().toList());
    // naming the standard parametrization plans the very same trials as not naming it
    assertEquals(
        standard.stream().map(Trial::trialId).toList(),
        Planner.plan(SpecParser.parse(yaml(", parametrization: standard"))).trials().stream()
            .map(Trial::trialId)
            .toList());
  }

  @Test
  void plan_rejectsAnUnknownParametrizationNamingTheRegisteredOnes() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> Planner.plan(SpecParser.parse(yaml(", parametrization: mupp, base_width: 32"))));
    assertEquals("model.parametrization", e.field());
    // Parsed: the spec side knows the names (other tests may register more after these two).
    assertTrue(e.getMessage().contains("one of [standard, mup"), e.getMessage());
    assertTrue(e.getMessage().endsWith("found \"mupp\""), e.getMessage());
  }
}
