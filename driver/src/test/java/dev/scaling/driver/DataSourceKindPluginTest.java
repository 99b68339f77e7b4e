package dev.scaling.driver;

import static dev.scaling.common.spec.SpecException.require;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.source.DataSourceKind;
import dev.scaling.common.source.DataSourceKinds;
import dev.scaling.common.source.SourceSettings;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SpecBlock;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.trial.ConfigWalk;
import dev.scaling.common.trial.Trial;
import dev.scaling.driver.plan.Planner;
import dev.scaling.worker.data.DataSources;
import dev.scaling.worker.data.DataSummary;
import dev.scaling.worker.data.TokenSource;
import dev.scaling.worker.data.TrialWindows;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The promise of data-source kinds: a source defined here, with a setting block of its own ({@code
 * data.cycle: {period}}), registered from this test and named by no main-code file, is parsed from
 * YAML, validated with messages naming its fields, refused under another source, and planned, its
 * setting part of every trial id (the walk lists it as {@code data.cycle.period}).
 */
class DataSourceKindPluginTest {

  /** The cycle source's settings: tokens 0, 1, ..., period - 1, repeated. */
  record CycleSettings(int period) implements SourceSettings {
    CycleSettings {
      require(period >= 2 && period <= 4096, "data.cycle.period", "in [2, 4096]", period);
    }

    @Override
    public String walkKey() {
      return CycleKind.NAME;
    }
  }

  /** The spec side: one class, registered in {@link #register}. */
  static final class CycleKind implements DataSourceKind {
    static final String NAME = "cycle";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Set<String> keys() {
      return Set.of(NAME);
    }

    @Override
    public Class<CycleSettings> settingsType() {
      return CycleSettings.class;
    }

    @Override
    public CycleSettings parse(SpecBlock data) {
      SpecBlock c = data.child(NAME);
      CycleSettings settings = new CycleSettings(c.intValue("period", null));
      c.rejectUnknown(Set.of("period"));
      return settings;
    }
  }

  /** The runtime side, enough to plan: the vocabulary is the period. */
  static final class CycleSource implements TokenSource {
    @Override
    public String name() {
      return CycleKind.NAME;
    }

    @Override
    public void check(DataSpec data) {
      require(data.path() == null, "data.path", "absent when data.source is cycle", data.path());
    }

    @Override
    public int vocab(DataSpec data) {
      return data.settings(CycleSettings.class).period();
    }

    @Override
    public DataSummary preflight(DataSpec data, int context, Configuration conf) {
      check(data);
      return new DataSummary(name(), vocab(data), 0, 0);
    }

    @Override
    public TrialWindows open(Trial trial, Configuration conf) {
      throw new IllegalStateException("this test only plans; it never opens the source");
    }
  }

  static String spec(String data) {
    return """
        name: cycle
        seed: 3
        data: DATA
        model: {context: 16, head_size: 16}
        grid: {width: [16, 32], depth: [1], tokens: [4096, 8192]}
        training: {batch_size: 8, learning_rate: 3.0e-3}
        """
        .replace("DATA", data);
  }

  @BeforeAll
  static void register() {
    DataSourceKinds.register(new CycleKind());
    DataSources.register(new CycleSource());
  }

  @Test
  void plan_carriesTheSourcesOwnSettingIntoEveryTrialId() {
    SweepSpec s = SpecParser.parse(spec("{source: cycle, cycle: {period: 12}}"));
    assertEquals(new CycleSettings(12), s.data().settings());
    List<Trial> trials = Planner.plan(s).trials();
    assertEquals(4, trials.size());
    for (Trial t : trials) {
      assertEquals(12, t.vocab(), "the vocabulary the source's runtime states");
      String leaves = ConfigWalk.canonical(t.config());
      assertTrue(leaves.contains("data.cache=null\ndata.cycle.period=12\n"), leaves);
    }
    List<String> other =
        Planner.plan(SpecParser.parse(spec("{source: cycle, cycle: {period: 13}}")))
            .trials()
            .stream()
            .map(Trial::trialId)
            .toList();
    for (int i = 0; i < trials.size(); i++) {
      assertNotEquals(trials.get(i).trialId(), other.get(i), "the period is part of the id");
    }
  }

  @Test
  void parse_validatesTheSourcesOwnSettingNamingItsField() {
    SpecException bad =
        assertThrows(
            SpecException.class,
            () -> SpecParser.parse(spec("{source: cycle, cycle: {period: 1}}")));
    assertEquals("data.cycle.period must be in [2, 4096], found 1", bad.getMessage());
    SpecException unknown =
        assertThrows(
            SpecException.class,
            () -> SpecParser.parse(spec("{source: cycle, cycle: {period: 8, phase: 2}}")));
    assertEquals("data.cycle.phase", unknown.field());
  }

  @Test
  void parse_refusesTheSettingUnderAnotherSource() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> SpecParser.parse(spec("{source: synthetic, cycle: {period: 8}}")));
    assertEquals(
        "data.cycle must be absent unless data.source is cycle (data.source is synthetic), found"
            + " \"a cycle block\"",
        e.getMessage());
  }

  @Test
  void plan_textSpecWithoutASyntheticBlockPlansWithTheLeavesItAlwaysHad() {
    SweepSpec text =
        SpecParser.parse(spec("{source: text, path: file:///corpus.txt, eval_tokens: 1024}"));
    List<Trial> trials = Planner.plan(text).trials();
    assertEquals(4, trials.size());
    assertEquals(256, trials.get(0).vocab(), "the bytes tokenizer's vocabulary");
    String leaves = ConfigWalk.canonical(trials.get(0).config());
    assertTrue(
        leaves.contains("data.synthetic.vocab=64\n")
            && leaves.contains("data.text_column=\"text\"\n"),
        leaves);
  }
}
