package dev.scaling.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.trial.Trial;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The plan of a small spec written here, checked against expectations computed in this test from
 * the spec's own axis values (never from the planner's output): which grid points, in which order,
 * at what cost.
 */
class PlannerTest {
  static final List<Integer> WIDTHS = List.of(32, 64, 48);
  static final List<Integer> DEPTHS = List.of(1, 3);
  static final List<Long> TOKENS = List.of(8192L, 32768L);
  static final List<Double> RATES = List.of(1e-3, 3e-3);
  static final List<Integer> SEEDS = List.of(0, 1);
  static final int CONTEXT = 16;

  /** The default synthetic language's vocabulary. */
  static final int VOCAB = 64;

  static String yaml(String family) {
    return """
        name: plan-test
        seed: 5
        data: {source: synthetic}
        model: {family: %s, context: %d, head_size: 16}
        grid: {width: %s, depth: %s, tokens: %s, learning_rate: %s, seeds: %s}
        training: {batch_size: 4, learning_rate: 2.0e-3, eval_interval: 7}
        """
        .formatted(family, CONTEXT, WIDTHS, DEPTHS, TOKENS, RATES, SEEDS);
  }

  static SweepSpec spec() {
    return SpecParser.parse(yaml("transformer"));
  }

  /** A grid point as the test writes it: width, depth, tokens, learning rate, seed. */
  record Point(int width, int depth, long tokens, double lr, int seed) {
    static Point of(Trial t) {
      return new Point(t.width(), t.depth(), t.tokens(), t.training().learningRate(), t.replica());
    }

    /** Kaplan's N of the transformer: per block 12 width^2 (QKV, projection, 4x MLP). */
    long kaplanN() {
      return 12L * depth * width * width;
    }

    /**
     * Every parameter: embeddings (vocab and position), per block 12w^2 weights + 13w biases and
     * norm parameters, the final norm (2w), the output layer with bias.
     */
    long total() {
      long w = width;
      return VOCAB * w + CONTEXT * w + depth * (12 * w * w + 13 * w) + 2 * w + w * VOCAB + VOCAB;
    }
  }

  static List<Point> expectedPoints() {
    List<Point> out = new ArrayList<>();
    for (int w : WIDTHS) {
      for (int d : DEPTHS) {
        for (long tokens : TOKENS) {
          for (double lr : RATES) {
            for (int s : SEEDS) {
              out.add(new Point(w, d, tokens, lr, s));
            }
          }
        }
      }
    }
    return out;
  }

  @Test
  void plan_expandsEveryGridPointExactlyOnce() {
    Plan plan = Planner.plan(spec());
    Comparator<Point> order = Comparator.comparing(Point::toString);
    List<Point> expected = expectedPoints().stream().sorted(order).toList();
    assertEquals(48, expected.size(), "3 widths x 2 depths x 2 token counts x 2 rates x 2 seeds");
    assertEquals(expected, plan.trials().stream().map(Point::of).sorted(order).toList());
    assertEquals(
        48,
        new HashSet<>(plan.trials().stream().map(Trial::trialId).toList()).size(),
        "distinct ids");
    for (Trial t : plan.trials()) {
      assertEquals(t.width() / 16, t.heads());
      assertEquals(CONTEXT, t.context());
      assertEquals(4, t.training().batchSize());
      assertEquals(7, t.training().evalInterval());
      assertEquals("transformer", t.family());
      assertEquals(new Point(t.width(), t.depth(), 0, 0, 0).kaplanN(), t.nParams());
      assertEquals(new Point(t.width(), t.depth(), 0, 0, 0).total(), t.nParamsTotal());
    }
  }

  @Test
  void plan_isReproducible() {
    assertEquals(
        Planner.plan(spec()).trials().stream().map(Trial::trialId).toList(),
        Planner.plan(spec()).trials().stream().map(Trial::trialId).toList(),
        "planning the same spec twice gives the same ids in the same order");
  }

  @Test
  void plan_ordersByDescendingCostThenTotalParamsThenId() {
    List<Trial> trials = Planner.plan(spec()).trials();
    // Expected sequence of (width, depth, tokens): descending 6ND, ties broken by descending total
    // x D.
    // This grid has such a tie: width 32 depth 1 at 32768 tokens and width 64 depth 1 at 8192.
    List<String> expected =
        expectedPoints().stream()
            .sorted(
                Comparator.comparingDouble((Point p) -> 6.0 * p.kaplanN() * p.tokens())
                    .thenComparingDouble(p -> (double) p.total() * p.tokens())
                    .reversed())
            .map(p -> p.width() + "x" + p.depth() + "@" + p.tokens())
            .toList();
    assertEquals(
        expected,
        trials.stream().map(t -> t.width() + "x" + t.depth() + "@" + t.tokens()).toList());
    Point first = Point.of(trials.get(0));
    assertEquals(List.of(64, 3, 32768L), List.of(first.width(), first.depth(), first.tokens()));
    for (int i = 1; i < trials.size(); i++) {
      Trial a = trials.get(i - 1);
      Trial b = trials.get(i);
      if (a.width() == b.width() && a.depth() == b.depth() && a.tokens() == b.tokens()) {
        assertTrue(a.trialId().compareTo(b.trialId()) < 0, "equal cost: ids ascending at " + i);
      }
    }
  }

  @Test
  void plan_totalsAndLowerBound() {
    Plan plan = Planner.plan(spec());
    double sum = 0;
    double max = 0;
    for (int w : WIDTHS) {
      for (int d : DEPTHS) {
        for (long tokens : TOKENS) {
          double flops = 6.0 * 12 * d * w * w * tokens;
          sum += flops * RATES.size() * SEEDS.size();
          max = Math.max(max, flops);
        }
      }
    }
    assertEquals(sum, plan.totalFlops(), sum * 1e-12);
    assertEquals(max, plan.maxTrialFlops(), max * 1e-12);
    assertEquals(Math.max(sum / 2, max) / 1e9, plan.estimatedSeconds(2, 1e9), 1e-9);
    String text = plan.describe(2);
    assertTrue(
        text.startsWith(
            "Plan for sweep 'plan-test': 48 trials (3 widths x 2 depths x 2 token counts x 2 learning rates x 2 seeds)"),
        text);
  }

  @Test
  void plan_quickstartPlansItsWholeGrid() throws Exception {
    SweepSpec quickstart = SpecParser.parse(Path.of("..", "examples", "quickstart.yaml"));
    var g = quickstart.grid();
    int expected =
        g.width().size()
            * g.depth().size()
            * g.tokens().size()
            * Math.max(1, g.learningRate().size())
            * g.seeds().size();
    Plan plan = Planner.plan(quickstart);
    assertEquals(expected, plan.trials().size());
    assertEquals(
        expected, plan.trials().stream().map(Trial::trialId).collect(Collectors.toSet()).size());
  }

  @Test
  void plan_rejectsAnUnknownModelFamilyNamingFieldRuleAndValue() {
    SweepSpec spec = SpecParser.parse(yaml("rnn")); // parsing knows no families; planning does
    SpecException e = assertThrows(SpecException.class, () -> Planner.plan(spec));
    assertEquals("model.family must be one of [transformer], found \"rnn\"", e.getMessage());
  }

  @Test
  void plan_rejectsTwoGridPointsWithOneId() {
    Plan plan = Planner.plan(spec());
    Trial a = plan.trials().get(0);
    Trial renamed =
        Trial.of(
            "other-sweep", a.config(), a.vocab(), a.params()); // the sweep name is not in the id
    List<Trial> trials = new ArrayList<>(plan.trials());
    trials.add(renamed);
    InvariantViolation e =
        assertThrows(InvariantViolation.class, () -> new Plan(plan.spec(), trials));
    String point =
        "width %d, depth %d, tokens %d, learning_rate %s, seed %d"
            .formatted(a.width(), a.depth(), a.tokens(), a.training().learningRate(), a.replica());
    assertTrue(e.getMessage().contains(a.trialId()), e.getMessage());
    assertTrue(e.getMessage().contains("(sweep plan-test: " + point + ")"), e.getMessage());
    assertTrue(e.getMessage().contains("(sweep other-sweep: " + point + ")"), e.getMessage());
  }
}
