package dev.scaling.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.trial.Trial;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The plan of a grid with a batch-size axis ({@code grid.batch_size}), checked against what this
 * test computes from the spec's own axis values: every (shape, tokens, lr, B, seed) once, the steps
 * D / (B x context), the learning rate moved by {@code training.lr_batch_scaling}, one wsd trunk
 * per (shape, B, lr), cost order and the plan's batch column.
 */
class PlannerBatchTest {
  static final List<Integer> WIDTHS = List.of(16, 32);
  static final List<Long> TOKENS = List.of(8192L, 16384L);
  static final List<Double> RATES = List.of(1e-3, 2e-3);
  static final List<Integer> BATCHES = List.of(4, 8, 16);
  static final List<Integer> SEEDS = List.of(0, 1);
  static final int CONTEXT = 16;

  /** A spec with the axes above; TRAINING is replaced by extra training lines. */
  static String yaml(String grid, String training) {
    return """
        name: batch-plan
        seed: 5
        data: {source: synthetic}
        model: {context: %d, head_size: 8}
        grid:
          width: %s
          depth: [1]
          tokens: %s
          seeds: %s
          GRID
        training:
          batch_size: 8
          learning_rate: 2.0e-3
          eval_interval: 7
          TRAINING
        """
        .formatted(CONTEXT, WIDTHS, TOKENS, SEEDS)
        .replace("GRID", grid)
        .replace("TRAINING", training);
  }

  static final String AXES = "learning_rate: " + RATES + "\n  batch_size: " + BATCHES;

  /** A grid point as the test writes it. */
  record Point(int width, long tokens, double lr, int batch, int seed) {
    static Point of(Trial t) {
      return new Point(
          t.width(),
          t.tokens(),
          t.training().learningRate(),
          t.training().batchSize(),
          t.replica());
    }
  }

  @Test
  void plan_crossesTheBatchSizesWithEveryOtherAxis() {
    Plan plan = Planner.plan(SpecParser.parse(yaml(AXES, "")));
    Set<Point> expected = new HashSet<>();
    for (int w : WIDTHS) {
      for (long d : TOKENS) {
        for (double lr : RATES) {
          for (int b : BATCHES) {
            for (int s : SEEDS) {
              expected.add(new Point(w, d, lr, b, s));
            }
          }
        }
      }
    }
    int product = WIDTHS.size() * TOKENS.size() * RATES.size() * BATCHES.size() * SEEDS.size();
    assertEquals(48, product);
    assertEquals(product, expected.size());
    assertEquals(product, plan.trials().size());
    assertEquals(expected, plan.trials().stream().map(Point::of).collect(Collectors.toSet()));
    assertEquals(
        product, plan.trials().stream().map(Trial::trialId).distinct().count(), "distinct ids");
    for (Trial t : plan.trials()) {
      int b = t.training().batchSize();
      assertEquals(t.tokens() / ((long) b * CONTEXT), t.steps(), "steps = D / (B x context)");
      assertEquals((long) b * CONTEXT, t.tokensPerStep());
      assertEquals(t.tokens(), t.tokensTrained(), "these D are whole batches of every B");
    }
  }

  @Test
  void plan_scalesThePeakLearningRateWithTheBatchSize() {
    // Base 8 (training.batch_size) unless training.base_batch_size says otherwise.
    for (String rule : List.of("none", "sqrt", "linear")) {
      for (Integer base : new Integer[] {null, 4}) {
        String training =
            "lr_batch_scaling: " + rule + (base == null ? "" : "\n  base_batch_size: " + base);
        if (rule.equals("none") && base != null) {
          continue; // refused by the parser: a base without a rule
        }
        Plan plan = Planner.plan(SpecParser.parse(yaml(AXES, training)));
        int b0 = base == null ? 8 : base;
        for (Trial t : plan.trials()) {
          double ratio = (double) t.training().batchSize() / b0;
          double factor =
              switch (rule) {
                case "sqrt" -> Math.sqrt(ratio);
                case "linear" -> ratio;
                default -> 1.0;
              };
          double written = RATES.get(t.training().learningRate() / factor < 1.5e-3 ? 0 : 1);
          assertEquals(
              written * factor,
              t.training().learningRate(),
              1e-15 * written,
              rule + " base " + b0 + " at B " + t.training().batchSize());
        }
        // Every written rate appears at every batch size, scaled.
        assertEquals(RATES.size() * BATCHES.size(), distinctRates(plan), rule + " base " + b0);
      }
    }
  }

  @Test
  void plan_scalesTheSingleLearningRateWithoutAGridOfRates() {
    Plan plan =
        Planner.plan(SpecParser.parse(yaml("batch_size: [2, 8, 32]", "lr_batch_scaling: sqrt")));
    Map<Integer, Double> byBatch =
        plan.trials().stream()
            .collect(
                Collectors.toMap(
                    t -> t.training().batchSize(), t -> t.training().learningRate(), (a, b) -> a));
    assertEquals(2.0e-3 * 0.5, byBatch.get(2), 1e-18, "sqrt(2 / 8) = 1/2");
    assertEquals(2.0e-3, byBatch.get(8), 0.0, "at the base the rate is as written, exactly");
    assertEquals(2.0e-3 * 2, byBatch.get(32), 1e-18, "sqrt(32 / 8) = 2");
  }

  private static long distinctRates(Plan plan) {
    return plan.trials().stream()
        .map(t -> t.training().batchSize() + "/" + t.training().learningRate())
        .distinct()
        .count();
  }

  @Test
  void plan_keepsTheTrialIdsOfASpecWithoutTheBatchKeys() {
    List<String> plain = ids(yaml("", ""));
    // One batch size equal to training.batch_size, the noise scale switched off, and a scaling
    // rule at its own base plan the same trials: none of them changes what a trial computes.
    assertEquals(plain, ids(yaml("batch_size: [8]", "")));
    assertEquals(plain, ids(yaml("", "noise_scale: off")));
    assertEquals(plain, ids(yaml("", "lr_batch_scaling: sqrt")));
    assertEquals(
        plain, ids(yaml("batch_size: [8]", "lr_batch_scaling: linear\n  base_batch_size: 8")));
    // Microbatches sum the gradient in another order: other trials.
    List<String> split = ids(yaml("", "microbatches: 2"));
    assertEquals(plain.size(), split.size());
    assertTrue(split.stream().noneMatch(plain::contains), "microbatches are part of the id");
  }

  @Test
  void plan_extendingTheBatchAxisKeepsTheEarlierTrials() {
    Set<String> before = new HashSet<>(ids(yaml("batch_size: [4, 8]", "")));
    List<String> after = ids(yaml("batch_size: [4, 8, 16]", ""));
    assertTrue(after.containsAll(before), "the trials at 4 and 8 keep their ids");
    assertEquals(before.size() / 2, after.size() - before.size(), "B = 16 adds half as many");
  }

  private static List<String> ids(String yaml) {
    return Planner.plan(SpecParser.parse(yaml)).trials().stream().map(Trial::trialId).toList();
  }

  @Test
  void plan_givesEachBatchSizeAndLearningRateItsOwnTrunk() {
    String wsd = "schedule: wsd\n  warmup_tokens: 512";
    Plan plan = Planner.plan(SpecParser.parse(yaml(AXES, wsd)));
    List<Trunk> trunks = Trunks.of(plan.trials());
    assertEquals(
        WIDTHS.size() * RATES.size() * BATCHES.size() * SEEDS.size(),
        trunks.size(),
        "one trunk per (shape, lr, B, seed)");
    Set<String> keys = new HashSet<>();
    for (Trunk trunk : trunks) {
      assertEquals(TOKENS.size(), trunk.branches().size(), "one branch per token count");
      Trial first = trunk.branches().get(0);
      for (Trial b : trunk.branches()) {
        assertEquals(first.width(), b.width());
        assertEquals(first.training().batchSize(), b.training().batchSize());
        assertEquals(first.training().learningRate(), b.training().learningRate());
        assertEquals(first.replica(), b.replica());
      }
      keys.add(
          first.width()
              + "/"
              + first.training().batchSize()
              + "/"
              + first.training().learningRate()
              + "/"
              + first.replica());
    }
    assertEquals(trunks.size(), keys.size(), "no two trunks of one (shape, B, lr, seed)");
    // Two batch sizes of one model, rate and seed: two trunks.
    Trial at4 = find(plan, 16, 4, 1e-3, 0);
    Trial at8 = find(plan, 16, 8, 1e-3, 0);
    assertNotEquals(at4.trunkId(), at8.trunkId());
  }

  private static Trial find(Plan plan, int width, int batch, double lr, int seed) {
    return plan.trials().stream()
        .filter(
            t ->
                t.width() == width
                    && t.training().batchSize() == batch
                    && t.training().learningRate() == lr
                    && t.replica() == seed)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void plan_ordersTheSmallerBatchFirstAmongTrialsOfEqualCost() {
    Plan plan = Planner.plan(SpecParser.parse(yaml(AXES, "")));
    List<Trial> order = plan.trials();
    for (int i = 1; i < order.size(); i++) {
      Trial a = order.get(i - 1);
      Trial b = order.get(i);
      assertTrue(a.flops() >= b.flops(), "descending 6ND");
      if (a.flops() == b.flops() && a.nParamsTotal() == b.nParamsTotal()) {
        assertTrue(
            a.training().batchSize() <= b.training().batchSize(),
            "equal 6ND: more steps (smaller B) first, found B "
                + a.training().batchSize()
                + " before "
                + b.training().batchSize());
      }
    }
  }

  @Test
  void isoflop_roundsEachBatchSizesTokensToItsOwnWholeBatches() {
    String base = PlannerTest.isoYaml("[" + PlannerTest.C1 + "]", 5, 16, 20, 4, PlannerTest.LADDER);
    SweepSpec spec =
        SpecParser.parse(base.replace("  seeds: [0, 1]", "  seeds: [0, 1]\n  batch_size: [4, 16]"));
    Plan plan = Planner.plan(spec);
    assertEquals(5 * 2 * 2 * 2, plan.trials().size(), "5 models x 2 rates x 2 B x 2 seeds");
    Map<Integer, List<Trial>> byBatch =
        plan.trials().stream().collect(Collectors.groupingBy(t -> t.training().batchSize()));
    List<List<String>> shapes = new ArrayList<>();
    for (int b : List.of(4, 16)) {
      for (Trial t : byBatch.get(b)) {
        long batchTokens = (long) b * PlannerTest.CONTEXT;
        assertEquals(
            PlannerTest.tokensFor(PlannerTest.C1, t.nParams(), batchTokens),
            t.tokens(),
            "D = C / 6N in whole batches of B " + b);
        assertEquals(0, t.tokens() % batchTokens);
        assertEquals(PlannerTest.C1, t.budget());
      }
      shapes.add(
          byBatch.get(b).stream()
              .sorted(Comparator.comparingLong(Trial::nParams))
              .map(t -> t.width() + "x" + t.depth())
              .distinct()
              .toList());
    }
    assertEquals(shapes.get(0), shapes.get(1), "every batch size trains the budget's models");
  }

  @Test
  void example_plansThreeWidthsAtFiveBatchSizesMeasuringTheNoiseScale() throws Exception {
    SweepSpec spec = SpecParser.parse(Path.of("..", "examples", "batch.yaml"));
    Plan plan = Planner.plan(spec);
    assertEquals(15, plan.trials().size());
    Set<String> pairs = new HashSet<>();
    for (Trial t : plan.trials()) {
      int b = t.training().batchSize();
      pairs.add(t.width() + "/" + b);
      assertTrue(t.training().measuresNoiseScale(), "2 microbatches, noise scale on");
      assertEquals(1.0, t.training().minLrFraction(), "constant after warmup");
      assertEquals(6.0e-3 * Math.sqrt(b / 16.0), t.training().learningRate(), 1e-15);
      assertEquals(t.tokens() / (64L * b), t.steps());
      assertEquals(t.tokens(), t.tokensTrained());
    }
    assertEquals(15, pairs.size(), "every (width, B) once");
  }

  @Test
  void describe_hasABatchColumnWhenTheGridHasTheAxis() {
    Plan plan = Planner.plan(SpecParser.parse(yaml(AXES, "")));
    String text = plan.describe(2);
    List<String> lines = text.lines().toList();
    assertTrue(
        lines
            .get(0)
            .contains(
                "(2 widths x 1 depths x 2 token counts x 2 learning rates x 3"
                    + " batch sizes x 2 seeds)"),
        lines.get(0));
    String header = lines.stream().filter(l -> l.contains("trial_id")).findFirst().orElseThrow();
    assertTrue(header.trim().endsWith("lr  batch"), header);
    for (Trial t : plan.trials()) {
      String row = lines.stream().filter(l -> l.contains(t.trialId())).findFirst().orElseThrow();
      String[] cells = row.trim().split("\\s+");
      assertEquals(String.valueOf(t.training().batchSize()), cells[cells.length - 1], row);
    }
    List<String> plain = Planner.plan(SpecParser.parse(yaml("", ""))).describe(2).lines().toList();
    assertFalse(plain.get(0).contains("batch sizes"), plain.get(0));
    String plainHeader =
        plain.stream().filter(l -> l.contains("trial_id")).findFirst().orElseThrow();
    assertTrue(plainHeader.trim().endsWith("steps        lr"), plainHeader);
  }
}
