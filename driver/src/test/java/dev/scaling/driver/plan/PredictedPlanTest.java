package dev.scaling.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.spec.WsdSpec;
import dev.scaling.common.trial.Trial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which branches a plan with {@code training.predict_branches} trains, and what it saves. */
class PredictedPlanTest {
  /** The quickstart's 11 token counts, 1024 tokens per step. */
  static final long[] TOKENS = {
    262144, 370688, 524288, 741376, 1048576, 1482752, 2097152, 2965504, 4194304, 5931008, 8388608
  };

  private static String quickstart(String extra) throws Exception {
    return Files.readString(Path.of("..", "examples", "quickstart.yaml")) + extra;
  }

  /** The tokens of the trained branches of every trunk of {@code plan}. */
  private static Set<Long> trainedTokens(Plan plan) {
    return plan.trained().stream().map(Trial::tokens).collect(Collectors.toSet());
  }

  @Test
  void plan_elevenTokenCountsThreeTrainedAreTheFirstMiddleAndLast() throws Exception {
    Plan plan = Planner.plan(SpecParser.parse(quickstart("  predict_branches: 3\n")));
    // Indices round(i * (11 - 1) / (3 - 1)) = 0, 5, 10 of the sorted token counts.
    assertEquals(Set.of(TOKENS[0], TOKENS[5], TOKENS[10]), trainedTokens(plan));
    assertEquals(4 * 3, plan.trained().size(), "4 widths x 3 trained branches");
    assertEquals(4 * 8, plan.predicted().size());
    for (Trunk t : Trunks.of(plan.trials())) {
      long trained = t.branches().stream().filter(b -> !plan.isPredicted(b)).count();
      assertEquals(3, trained, "each trunk trains 3 of its 11 branches");
    }
  }

  @Test
  void plan_elevenOfElevenTrainsEveryBranch() throws Exception {
    Plan plan = Planner.plan(SpecParser.parse(quickstart("  predict_branches: 11\n")));
    assertFalse(plan.predicts());
    assertEquals(44, plan.trained().size());
    assertEquals(0.0, plan.savedFlops(), 0.0);
  }

  @Test
  void trainedIndices_spreadOverTheTokenCounts() {
    assertEquals(Set.of(0, 10), Trunks.trainedIndices(11, 2));
    assertEquals(Set.of(0, 5, 10), Trunks.trainedIndices(11, 3));
    // round(i * 3 / 2): 0, 1.5 -> 2, 3.
    assertEquals(Set.of(0, 2, 3), Trunks.trainedIndices(4, 3));
    assertEquals(Set.of(0, 1, 2, 3), Trunks.trainedIndices(4, 4));
    assertEquals(Set.of(0, 1), Trunks.trainedIndices(2, 5));
  }

  @Test
  void plan_predictedPointsKeepTheTrialIdsTheyHaveWhenTrained() throws Exception {
    Plan all = Planner.plan(SpecParser.parse(quickstart("")));
    Plan predicted = Planner.plan(SpecParser.parse(quickstart("  predict_branches: 3\n")));
    assertEquals(
        all.trials().stream().map(Trial::trialId).collect(Collectors.toSet()),
        predicted.trials().stream().map(Trial::trialId).collect(Collectors.toSet()));
    // The trials are the same configurations: no prediction setting reaches a trial.
    assertEquals(new HashSet<>(all.trials()), new HashSet<>(predicted.trials()));
    for (Trial t : predicted.trials()) {
      assertFalse(t.training().settings(WsdSpec.class).predicts(), t.trialId());
    }
  }

  @Test
  void plan_flopsCountOnlyTheTrainedAndTheSavedAreTheSkippedCooldowns() throws Exception {
    Plan all = Planner.plan(SpecParser.parse(quickstart("")));
    Plan plan = Planner.plan(SpecParser.parse(quickstart("  predict_branches: 3\n")));
    double saved = 0;
    double trained6nd = 0;
    for (int w : List.of(8, 16, 32, 64)) {
      long n = 12L * w * w; // Kaplan's N of one block
      for (int i = 0; i < TOKENS.length; i++) {
        long steps = TOKENS[i] / 1024;
        long fork = Math.round(0.8 * steps);
        if (i == 0 || i == 5 || i == 10) {
          trained6nd += 6.0 * n * TOKENS[i];
        } else {
          saved += 6.0 * n * 1024 * (steps - fork);
        }
      }
    }
    assertEquals(saved, plan.savedFlops(), 1e-9 * saved);
    assertEquals(trained6nd, plan.totalFlops(), 1e-9 * trained6nd);
    // The trunks train to the same last fork: trained + saved is the all-trained wsd compute.
    double wsdAll = Trunks.of(all.trials()).stream().mapToDouble(Trunk::flops).sum();
    double wsdTrained = Trunks.of(plan.trained()).stream().mapToDouble(Trunk::flops).sum();
    assertEquals(wsdAll, wsdTrained + saved, 1e-9 * wsdAll);
    String text = plan.describe(2);
    assertTrue(text.contains("44 trials"), text);
    assertTrue(text.contains(": 12 trained, 32 predicted"), text);
    assertTrue(
        text.contains("Predicted branches (training.predict_branches: 3, curve law mpl)"), text);
    assertTrue(
        text.contains(
            String.format(java.util.Locale.ROOT, "saved (%.2fx the FLOPs)", wsdTrained / wsdAll)),
        text);
    assertTrue(text.contains("262144 trained, 370688 predicted"), text);
    long predictedLines = text.lines().filter(l -> l.endsWith(" predicted")).count();
    assertEquals(32, predictedLines, "one plan row per predicted point says so");
  }

  @Test
  void example_isTheQuickstartStudyWithPredictedBranchesAndDenserEvaluations() throws Exception {
    SweepSpec quick = SpecParser.parse(Path.of("..", "examples", "quickstart.yaml"));
    SweepSpec predicted = SpecParser.parse(Path.of("..", "examples", "quickstart-predicted.yaml"));
    assertEquals(quick.seed(), predicted.seed());
    assertEquals(quick.grid(), predicted.grid());
    assertEquals(quick.model(), predicted.model());
    assertEquals(
        quick.data().toBuilder().evalTokens(predicted.data().evalTokens()).build(),
        predicted.data());
    WsdSpec wsd = predicted.training().settings(WsdSpec.class);
    assertEquals(3, wsd.predictBranches());
    assertEquals(quick.training().settings(), wsd.withoutPrediction());
    assertEquals(96, predicted.training().evalInterval());
    Plan plan = Planner.plan(predicted);
    assertEquals(Set.of(TOKENS[0], TOKENS[5], TOKENS[10]), trainedTokens(plan));
  }

  @Test
  void training_leavesThePredictedOutUnlessVerifying() throws Exception {
    Plan plan = Planner.plan(SpecParser.parse(quickstart("  predict_branches: 2\n")));
    assertEquals(8, plan.training(false).trials().size());
    assertEquals(44, plan.training(true).trials().size());
    assertFalse(plan.training(true).predicts());
    assertTrue(plan.training(false).trials().stream().noneMatch(plan::isPredicted));
  }
}
