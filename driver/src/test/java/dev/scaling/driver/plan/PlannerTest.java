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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
  void parse_rejectsAnUnknownModelFamilyNamingFieldRuleAndValue() {
    // The spec side knows the families (other tests may register more after the transformer).
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(yaml("rnn")));
    assertEquals("model.family", e.field());
    assertTrue(
        e.getMessage().startsWith("model.family must be one of [transformer"), e.getMessage());
    assertTrue(e.getMessage().endsWith("found \"rnn\""), e.getMessage());
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
        "width %d, depth %d, tokens %d, learning_rate %s, batch_size %d, seed %d"
            .formatted(
                a.width(),
                a.depth(),
                a.tokens(),
                a.training().learningRate(),
                a.training().batchSize(),
                a.replica());
    assertTrue(e.getMessage().contains(a.trialId()), e.getMessage());
    assertTrue(e.getMessage().contains("(sweep plan-test: " + point + ")"), e.getMessage());
    assertTrue(e.getMessage().contains("(sweep other-sweep: " + point + ")"), e.getMessage());
  }

  // ---- planning by budget (grid.isoflop) ----

  /**
   * The IsoFLOP test ladder: widths 16..64 x depths 1..4, N = 12 d w^2 (3072 .. 196608); 12288
   * (16x4 and 32x1) and 49152 (32x4 and 64x1) are each reached by two shapes.
   */
  static String isoYaml(
      String budgets, int models, double span, double tpp, int batch, String widths) {
    return """
        name: iso-test
        seed: 5
        data: {source: synthetic}
        model: {family: transformer, context: %d, head_size: 16}
        grid:
          width: %s
          depth: [1, 2, 3, 4]
          isoflop: {budgets: %s, models: %d, span: %s, tokens_per_param: %s}
          learning_rate: [1.0e-3, 3.0e-3]
          seeds: [0, 1]
        training: {batch_size: %d, learning_rate: 2.0e-3, eval_interval: 7}
        """
        .formatted(CONTEXT, widths, budgets, models, span, tpp, batch);
  }

  static final String LADDER = "[16, 32, 48, 64]";

  /** N0 = 24576 at 20 tokens per parameter: C = 6 x 20 x 24576^2. */
  static final double C1 = 6.0 * 20 * 24576 * 24576;

  /** Four times C1: N0 doubles to 49152. */
  static final double C2 = 4 * C1;

  static SweepSpec isoSpec() {
    return SpecParser.parse(isoYaml("[" + C1 + ", " + C2 + "]", 5, 16, 20, 4, LADDER));
  }

  /** D = C / (6N) in whole batches of batch x context tokens, at least one. */
  static long tokensFor(double c, long n, long batchTokens) {
    return Math.max(1, Math.round(c / (6.0 * n) / batchTokens)) * batchTokens;
  }

  @Test
  void isoflop_picksShapesSpreadEvenlyInLogNAroundTheCentre() {
    Plan plan = Planner.plan(isoSpec());
    // Targets N0 / 4 .. 4 N0 in steps of 2 (span 16, 5 models). Around N0 = 24576 the nearest
    // ladder shapes are exactly 6144 (16x2), 12288 (32x1, not 16x4), 24576 (32x2), 49152 (64x1,
    // not 32x4), 98304 (64x2); around 49152 the ladder's 12288 .. 196608 (64x4).
    List<String> first = List.of("16x2", "32x1", "32x2", "64x1", "64x2");
    List<String> second = List.of("32x1", "32x2", "64x1", "64x2", "64x4");
    for (var budget : List.of(Map.entry(C1, first), Map.entry(C2, second))) {
      double c = budget.getKey();
      List<Trial> of = plan.ofBudget(c);
      assertEquals(5 * 2 * 2, of.size(), "5 models x 2 rates x 2 seeds at " + c);
      List<String> shapes =
          of.stream()
              .sorted(Comparator.comparingLong(Trial::nParams))
              .map(t -> t.width() + "x" + t.depth())
              .distinct()
              .toList();
      assertEquals(budget.getValue(), shapes);
      List<Long> ns = of.stream().map(Trial::nParams).distinct().sorted().toList();
      double n0 = Math.sqrt(c / (6 * 20));
      for (int k = 0; k < ns.size(); k++) {
        double target = n0 / 4 * Math.pow(2, k);
        assertEquals(1.0, ns.get(k) / target, 0.01, "model " + k + " of " + c + " on its target");
      }
      assertEquals(16.0, (double) ns.get(4) / ns.get(0), 1e-12, "the span");
      for (Trial t : of) {
        long d = tokensFor(c, 12L * t.depth() * t.width() * t.width(), 4 * CONTEXT);
        assertEquals(d, t.tokens(), t.width() + "x" + t.depth());
        assertEquals(c, t.budget());
        assertEquals(1.0, 6.0 * t.nParams() * t.tokens() / c, 0.05);
      }
    }
    assertEquals(40, plan.trials().size());
    assertEquals(
        40,
        plan.trials().stream().map(Trial::trialId).collect(Collectors.toSet()).size(),
        "ids unique: the shapes both budgets share (32x1 .. 64x2) differ in tokens");
    assertEquals(
        Set.of(1.0e-3, 3.0e-3),
        plan.trials().stream().map(t -> t.training().learningRate()).collect(Collectors.toSet()));
    assertEquals(
        Set.of(0, 1), plan.trials().stream().map(Trial::replica).collect(Collectors.toSet()));
  }

  @Test
  void isoflop_twoShapesWithOneNArePlannedOnceAsTheShallowerShape() {
    Planner.Shape dup16x4 = new Planner.Shape(16, 4, 12288);
    List<Planner.Shape> ladder =
        Planner.ladder(isoSpec(), dev.scaling.common.trial.PlanningCatalog.get());
    List<Long> ns = ladder.stream().map(Planner.Shape::n).toList();
    assertEquals(ns.stream().distinct().sorted().toList(), ns, "ascending, each N once");
    assertEquals(16 - 2, ladder.size(), "16 shapes, two of them repeating an N");
    assertTrue(ladder.contains(new Planner.Shape(32, 1, 12288)));
    assertTrue(ladder.contains(new Planner.Shape(64, 1, 49152)));
    assertTrue(!ladder.contains(dup16x4) && !ladder.contains(new Planner.Shape(32, 4, 49152)));
  }

  @Test
  void isoflop_describePrintsEachTrialsBudgetAndShare() {
    Plan plan = Planner.plan(isoSpec());
    String text = plan.describe(2);
    assertTrue(
        text.startsWith(
            "Plan for sweep 'iso-test': 40 trials (2 budgets x 5 models x 2 learning rates x 2"
                + " seeds)"),
        text);
    Trial t = plan.ofBudget(C1).get(0);
    String share =
        String.format(
            Locale.ROOT, "%.3f", 6.0 * 12 * t.depth() * t.width() * t.width() * t.tokens() / C1);
    String line = text.lines().filter(l -> l.contains(t.trialId())).findFirst().orElseThrow();
    assertTrue(line.endsWith(String.format(Locale.ROOT, " %10.3g %6s", C1, share)), line);
    assertTrue(
        text.contains(
            String.format(
                Locale.ROOT,
                "  budget %.3g: 5 models, N 6144 to 98304 (centre guess %.3g)",
                C1,
                24576.0)),
        text);
  }

  @Test
  void isoflop_plansATargetsSharedShapeOnceAndKeepsFiveDistinctN() {
    // Ladder 3072 .. 98304 in factors of 2 (widths 16, 32, 64 x depths 1, 2); 7 targets 24576 x
    // 16^(k/6 - 1/2) = 6144, 9753, 15482, 24576, 39014, 61932, 98304: 9753 and 15482 both land on
    // 12288, 39014 and 61932 on 49152, so 5 distinct models remain, each planned once.
    SweepSpec spec =
        SpecParser.parse(
            isoYaml("[" + C1 + "]", 7, 16, 20, 4, "[16, 32, 64]")
                .replace("[1, 2, 3, 4]", "[1, 2]"));
    Plan plan = Planner.plan(spec);
    assertEquals(
        List.of(6144L, 12288L, 24576L, 49152L, 98304L),
        plan.trials().stream().map(Trial::nParams).distinct().sorted().toList());
    assertEquals(5 * 2 * 2, plan.trials().size(), "5 models x 2 rates x 2 seeds");
    assertTrue(
        plan.describe(1)
            .startsWith(
                "Plan for sweep 'iso-test': 20 trials (1 budgets x 5 models x 2 learning rates"),
        plan.describe(1));
  }

  @Test
  void isoflop_refusesALadderThatCannotCoverTheSpan() {
    // 1e13 FLOPs: N0 = sqrt(1e13 / 120), the span reaches 4 N0 (over 1.1e6); the ladder stops at
    // 196608, below the 4 N0 / sqrt(2) it would need.
    double c = 1.0e13;
    SweepSpec spec = SpecParser.parse(isoYaml("[" + C1 + ", " + c + "]", 5, 16, 20, 4, LADDER));
    SpecException e = assertThrows(SpecException.class, () -> Planner.plan(spec));
    double n0 = Math.sqrt(c / 120);
    assertEquals("grid.isoflop.budgets[1]", e.field());
    assertEquals(
        String.format(
            Locale.ROOT,
            "grid.isoflop.budgets[1] must be covered by the shape ladder (its models' N run from"
                + " %.3g to %.3g around N0 = %.3g, which needs a shape with N <= %.3g and one with"
                + " N >= %.3g; the ladder's N run from 3072 to 196608), found 1.0E13",
            n0 / 4,
            n0 * 4,
            n0,
            n0 / 4 * Math.sqrt(2),
            n0 * 4 / Math.sqrt(2)),
        e.getMessage());
  }

  @Test
  void isoflop_refusesABudgetWithFewerThanFiveDistinctN() {
    // Ladder 3072, 12288, 196608 (widths 16, 32, 128 at depth 1; deeper ones too, see below),
    // span 64 around N0 = 24576: targets 3072, 8689, 24576, 69510, 196608 land on only 3 shapes.
    double c = 6.0 * 20 * 24576 * 24576;
    SweepSpec spec =
        SpecParser.parse(
            isoYaml("[" + c + "]", 5, 64, 20, 4, "[16, 32, 128]").replace("[1, 2, 3, 4]", "[1]"));
    SpecException e = assertThrows(SpecException.class, () -> Planner.plan(spec));
    assertEquals(
        String.format(
            Locale.ROOT,
            "grid.isoflop.budgets[0] must be given at least 5 distinct N by the shape ladder (its 5"
                + " targets from N = %.3g to %.3g find only 3 distinct shapes: N = [3072, 12288,"
                + " 196608]; add widths or depths in that range), found %s",
            3072.0,
            196608.0,
            c),
        e.getMessage());
  }

  @Test
  void isoflop_refusesAPointMoreThanFivePercentOffItsBudget() {
    // 1 token per parameter, N0 = 24576: the largest model, 64x2 (N 98304), gets C / 6N = 6144
    // tokens, 1.5 batches of 256 x 16, rounded to 2 batches: 4/3 of the budget.
    double c = 6.0 * 24576 * 24576;
    SweepSpec spec = SpecParser.parse(isoYaml("[" + c + "]", 5, 16, 1, 256, LADDER));
    SpecException e = assertThrows(SpecException.class, () -> Planner.plan(spec));
    assertEquals(
        String.format(
            Locale.ROOT,
            "grid.isoflop.budgets[0] must be within 5%% of 6·N·D for each of its models (width 64,"
                + " depth 2, N = 98304 gets D = 8192 tokens in whole batches of 4096, so 6·N·D ="
                + " %.4g, 1.333 of the budget; raise the budget or lower training.batch_size x"
                + " model.context), found %s",
            6.0 * 98304 * 8192,
            c),
        e.getMessage());
  }

  @Test
  void isoflop_refusesTwoBudgetsThatPlanOneTrialTwice() {
    // Batches of 4096 tokens: at 7.2e10 and 7.22e10, 64x1 (N 49152) gets round(59.6) and
    // round(59.8) = 60 batches in both, so both budgets would plan one configuration.
    SweepSpec spec = SpecParser.parse(isoYaml("[7.2e10, 7.22e10]", 5, 16, 20, 256, LADDER));
    assertEquals(
        tokensFor(7.2e10, 49152, 4096), tokensFor(7.22e10, 49152, 4096), "the test's premise");
    SpecException e = assertThrows(SpecException.class, () -> Planner.plan(spec));
    assertEquals(
        "grid.isoflop.budgets[1] must be far enough from grid.isoflop.budgets[0] (7.2E10) that no"
            + " model gets the same tokens in both (width 64, depth 1 gets 245760 tokens in both),"
            + " found 7.22E10",
        e.getMessage());
  }

  @Test
  void isoflop_examplePlansThreeBudgetsOfSevenModelsAndTwoSeeds() throws Exception {
    SweepSpec example = SpecParser.parse(Path.of("..", "examples", "isoflop.yaml"));
    Plan plan = Planner.plan(example);
    List<Double> budgets = example.grid().isoflop().budgets();
    assertEquals(3, budgets.size());
    int seeds = example.grid().seeds().size();
    assertEquals(2, seeds);
    for (double c : budgets) {
      List<Trial> of = plan.ofBudget(c);
      assertEquals(7, of.stream().map(Trial::nParams).distinct().count(), "7 distinct N at " + c);
      for (Trial t : of) {
        assertEquals(1.0, 6.0 * t.nParams() * t.tokens() / c, 0.05);
      }
    }
    assertEquals(budgets.size() * 7 * seeds, plan.trials().size());
  }
}
