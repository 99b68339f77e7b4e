package dev.scaling.driver;

import static dev.scaling.common.spec.SpecException.require;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.schedule.LearningRateSchedule;
import dev.scaling.common.schedule.ScheduleKind;
import dev.scaling.common.schedule.ScheduleSettings;
import dev.scaling.common.schedule.Schedules;
import dev.scaling.common.spec.SpecBlock;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.trial.ConfigWalk;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.sweep.PlanOutcome;
import dev.scaling.driver.sweep.RunOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise of schedule kinds: a schedule defined here, with a setting block of its own ({@code
 * training.step: {drop_at, factor}}), registered from this test and named by no main-code file, is
 * parsed from YAML, validated with messages naming its fields, planned, and trained end to end on
 * Spark {@code local[2]}; the learning rates the trials applied (the curves' {@code lr} column) are
 * checked against the step formula computed here.
 */
class ScheduleKindPluginTest {
  static SparkSession spark;

  /**
   * The step schedule's settings: the peak until {@code dropAt} of the run, then {@code factor} x
   * the peak.
   */
  record StepSettings(double dropAt, double factor) implements ScheduleSettings {
    StepSettings {
      require(dropAt > 0 && dropAt < 1, "training.step.drop_at", "in (0, 1)", dropAt);
      require(factor > 0 && factor <= 1, "training.step.factor", "in (0, 1]", factor);
    }

    @Override
    public String walkKey() {
      return StepKind.NAME;
    }
  }

  /** The step schedule of one run. */
  record StepSchedule(double peak, long steps, long dropStep, double factor)
      implements LearningRateSchedule {
    @Override
    public String name() {
      return StepKind.NAME;
    }

    @Override
    public double at(long step) {
      return step < dropStep ? peak : peak * factor;
    }
  }

  /** The kind: one class, registered in {@link #register}. */
  static final class StepKind implements ScheduleKind {
    static final String NAME = "step";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Set<String> keys() {
      return Set.of(NAME);
    }

    @Override
    public Class<StepSettings> settingsType() {
      return StepSettings.class;
    }

    @Override
    public StepSettings parse(SpecBlock training) {
      if (training.has("warmup_fraction")) {
        throw new SpecException(
            training.path("warmup_fraction"),
            "absent with schedule step (it has no warmup)",
            training.map().get("warmup_fraction"));
      }
      SpecBlock s = training.child(NAME);
      StepSettings settings =
          new StepSettings(s.doubleValue("drop_at", 0.5), s.doubleValue("factor", 0.1));
      s.rejectUnknown(Set.of("drop_at", "factor"));
      return settings;
    }

    @Override
    public boolean warmsUpByFraction() {
      return false;
    }

    @Override
    public LearningRateSchedule create(TrainingSpec training, long steps, long tokensPerStep) {
      StepSettings s = training.settings(StepSettings.class);
      return new StepSchedule(
          training.learningRate(), steps, Math.round(s.dropAt() * steps), s.factor());
    }
  }

  @BeforeAll
  static void register() {
    Schedules.register(new StepKind());
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("ScheduleKindPluginTest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  static final double PEAK = 4.0e-3;

  static final String SPEC =
      """
      name: step-plugin
      seed: 13
      data:
        source: synthetic
        eval_tokens: 1024
        synthetic: {vocab: 32, order: 2, branching: 4, zipf: 1.0}
      model:
        context: 32
        head_size: 16
      grid:
        width: [16]
        depth: [1]
        tokens: [8192, 16384]
      training:
        batch_size: 8
        learning_rate: 4.0e-3
        eval_interval: 4
        schedule: step
        step: {drop_at: 0.375, factor: 0.25}
      """;

  @Test
  void plan_walksTheTestKindsSettingsUnderItsName(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("step.yaml");
    Files.writeString(spec, SPEC);

    PlanOutcome planned = PlanCommand.run(spec.toString());

    List<Trial> trials = planned.plan().trials();
    assertEquals(2, trials.size());
    for (Trial t : trials) {
      assertEquals(new StepSettings(0.375, 0.25), t.training().settings());
      assertEquals(0.0, t.training().warmupFraction());
      String canonical = ConfigWalk.canonical(t.config());
      assertTrue(canonical.contains("training.step.drop_at=0.375\n"), canonical);
      assertTrue(canonical.contains("training.step.factor=0.25\n"), canonical);
      assertTrue(!canonical.contains("#type"), canonical);
    }
    String otherFactor =
        SpecParser.parse(SPEC.replace("factor: 0.25", "factor: 0.5")).training().toString();
    assertNotEquals(trials.get(0).training().toString(), otherFactor);
  }

  @Test
  void parse_namesTheTestKindsFields() {
    SpecException range =
        assertThrows(
            SpecException.class,
            () -> SpecParser.parse(SPEC.replace("drop_at: 0.375", "drop_at: 1.5")));
    assertTrue(
        range.getMessage().startsWith("training.step.drop_at must be in (0, 1)"),
        range.getMessage());
    SpecException unknown =
        assertThrows(
            SpecException.class,
            () -> SpecParser.parse(SPEC.replace("factor: 0.25", "factor: 0.25, gamma: 2")));
    assertTrue(
        unknown.getMessage().startsWith("training.step.gamma must be one of"),
        unknown.getMessage());
    SpecException elsewhere =
        assertThrows(
            SpecException.class,
            () -> SpecParser.parse(SPEC.replace("schedule: step", "schedule: cosine")));
    assertTrue(
        elsewhere
            .getMessage()
            .startsWith("training.step must be absent unless training.schedule is step"),
        elsewhere.getMessage());
  }

  @Test
  void run_trainsWithTheTestKindsLearningRates(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("step.yaml");
    Files.writeString(spec, SPEC);
    Path out = dir.resolve("out");

    RunOutcome outcome = RunCommand.run(spec.toString(), "--out", out.toString());

    assertEquals(2, outcome.count(TrialStatus.FINISHED), () -> outcome.outcomes().toString());
    Map<String, Long> stepsOf = new HashMap<>();
    for (TrialOutcome o : outcome.outcomes()) {
      // tokens / (batch 8 x context 32)
      stepsOf.put(o.trial().trialId(), o.trial().tokens() / 256);
    }
    int below = 0;
    int above = 0;
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT trial_id, step, lr FROM read_parquet('"
                    + out.resolve("curves")
                    + "/*.parquet') ORDER BY trial_id, step")) {
      while (rs.next()) {
        long steps = stepsOf.get(rs.getString("trial_id"));
        long step = rs.getLong("step"); // steps done; the last one applied update step - 1
        long dropStep = Math.round(0.375 * steps);
        boolean dropped = step - 1 >= dropStep;
        double expected = dropped ? PEAK * 0.25 : PEAK;
        assertEquals(
            expected, rs.getDouble("lr"), expected * 1e-6, "step " + step + " of " + steps);
        if (dropped) {
          above++;
        } else {
          below++;
        }
      }
    }
    // 32 and 64 steps, a point every 4: 8 + 16 points, 3 + 6 of them before the drop.
    assertEquals(9, below);
    assertEquals(15, above);
  }
}
