package dev.scaling.common.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.source.ParquetSettings;
import dev.scaling.common.spec.CooldownShape;
import dev.scaling.common.spec.DataSource;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.InputDigest;
import dev.scaling.common.spec.ParametrizationSpec;
import dev.scaling.common.spec.PowerLawSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SyntheticSpec;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.spec.WsdSpec;
import dev.scaling.common.tokenizer.BpeSettings;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class TrialTest {
  static final DataSpec DATA =
      DataSpec.builder(DataSource.SYNTHETIC)
          .evalTokens(1024)
          .settings(SyntheticSpec.DEFAULT)
          .build();
  static final DataSpec TEXT =
      DataSpec.builder(DataSource.TEXT)
          .path("file:///corpus.txt")
          .tokenizer("bpe")
          .evalTokens(1024)
          .tokenizerSettings(new BpeSettings(4096))
          .build();
  static final DataSpec POWERLAW =
      DataSpec.builder(DataSource.POWERLAW).evalTokens(1024).settings(PowerLawSpec.DEFAULT).build();
  static final DataSpec PARQUET =
      DataSpec.builder(new DataSource("parquet"))
          .path("file:///corpus")
          .evalTokens(1024)
          .settings(new ParquetSettings("body"))
          .build();
  static final TrainingSpec TRAINING = new TrainingSpec(16, 3e-3, 0.05, 0.1, 1.0, 50);

  /** Counts as a model family would state them; common only carries them. */
  static final ParamCounts COUNTS = new ParamCounts(98_304, 120_000);

  static final int VOCAB = 64;

  static TrialConfig config(int width, int depth, long tokens) {
    return new TrialConfig(
        42, "transformer", width, depth, width / 16, 64, tokens, 0, DATA, TRAINING);
  }

  static Trial trial(int width, int depth, long tokens) {
    return Trial.of("s", config(width, depth, tokens), VOCAB, COUNTS);
  }

  @Test
  void trial_usesTheFamilysCountsForFlopsAndTokensPerParam() {
    Trial t = Trial.of("s", config(64, 2, 1_048_576), VOCAB, new ParamCounts(98_304, 120_000));
    assertEquals(98_304, t.nParams());
    assertEquals(120_000, t.nParamsTotal());
    assertEquals(6.0 * 98_304 * 1_048_576, t.flops());
    assertEquals(1_048_576 / (16 * 64), t.steps());
    assertEquals(1_048_576.0 / 98_304, t.tokensPerParam(), 1e-12);
  }

  @Test
  void trialId_isStable() {
    // Golden ids, computed once and committed: a change to the id scheme (a renamed or reordered
    // field, a new default) orphans every committed trial, so it must show up here.
    assertEquals("e127e7b704b70012", trial(64, 2, 65536).trialId());
    assertEquals(
        "2a27c85793e4f6d0",
        Trial.idOf(new TrialConfig(42, "transformer", 64, 2, 4, 64, 65536, 3, TEXT, TRAINING)));
    assertEquals(
        "86d60076af0dc46c",
        Trial.idOf(new TrialConfig(42, "transformer", 64, 2, 4, 64, 65536, 0, POWERLAW, TRAINING)));
  }

  @Test
  void trialId_ignoresOnlyTheSweepNameAndTheDerivedCounts() {
    Trial t = trial(64, 2, 65536);
    assertEquals(t.trialId(), Trial.of("renamed", t.config(), t.vocab(), t.params()).trialId());
    assertEquals(t.trialId(), Trial.of("s", t.config(), 7, new ParamCounts(1, 2)).trialId());
  }

  @Test
  void trialId_differsBetweenSyntheticAndTextData() {
    // data.source cannot change alone (data.path must change with it), so the pair is checked here.
    TrialConfig synthetic = config(64, 2, 65536);
    TrialConfig text = new TrialConfig(42, "transformer", 64, 4, 4, 64, 65536, 0, TEXT, TRAINING);
    TrialConfig sameShapeText =
        new TrialConfig(42, "transformer", 64, 2, 4, 64, 65536, 0, TEXT, TRAINING);
    assertNotEquals(Trial.idOf(synthetic), Trial.idOf(sameShapeText));
    assertNotEquals(Trial.idOf(text), Trial.idOf(sameShapeText));
  }

  @Test
  void trialId_differsBetweenTokenizers() {
    DataSpec gpt2 = TEXT.toBuilder().tokenizer("gpt2").tokenizerSettings(null).build();
    DataSpec bytes = gpt2.toBuilder().tokenizer("bytes").build();
    List<String> ids =
        List.of(TEXT, gpt2, bytes).stream()
            .map(
                d ->
                    Trial.idOf(
                        new TrialConfig(42, "transformer", 64, 2, 4, 64, 65536, 0, d, TRAINING)))
            .distinct()
            .toList();
    assertEquals(3, ids.size(), ids.toString());
  }

  /**
   * Training settings that by design are no leaf of the id: the noise-scale switch only reads
   * gradients, and the batch scaling rule and its base are applied by the planner to the learning
   * rate (which is a leaf); changing one must leave the id as it was.
   */
  private static final Set<String> NOT_IN_ID =
      Set.of("training.noiseScale", "training.lrBatchScaling", "training.baseBatchSize");

  /**
   * Walks the configuration's record components by reflection (nested records and list elements
   * too), changes each leaf in turn to every other valid value among a few candidates, and checks
   * that the id changed. A field added to any record of the configuration is varied here without
   * editing this test.
   */
  @Test
  void trialId_changesWithEveryLeafOfTheConfiguration() throws Exception {
    List<TrialConfig> bases =
        List.of(
            config(64, 2, 65536),
            new TrialConfig(42, "transformer", 64, 2, 4, 64, 65536, 3, TEXT, TRAINING),
            new TrialConfig(42, "transformer", 64, 2, 4, 64, 65536, 0, DATA, WSD),
            new TrialConfig(42, "transformer", 64, 2, 4, 64, 65536, 0, POWERLAW, TRAINING),
            new TrialConfig(
                42, "transformer", 64, 2, 4, 64, 65536, 0, DATA, TRAINING.withMicrobatches(4)),
            new TrialConfig(42, "transformer", 64, 2, 4, 64, 65536, 0, PARQUET, TRAINING),
            new TrialConfig(
                42,
                "transformer",
                64,
                2,
                4,
                64,
                65536,
                0,
                DATA,
                TRAINING,
                ParametrizationSpec.mup(32)));
    Set<String> all = new LinkedHashSet<>();
    Set<String> varied = new TreeSet<>();
    for (TrialConfig base : bases) {
      String id = Trial.of("s", base, VOCAB, COUNTS).trialId();
      List<List<String>> paths = new ArrayList<>();
      leafPaths(base, new ArrayList<>(), paths);
      for (List<String> path : paths) {
        String name = String.join(".", path);
        all.add(name);
        Object value = get(base, path, 0);
        for (Object candidate : candidates(value)) {
          Object changed = with(base, path, 0, candidate);
          if (changed == null) {
            continue; // not a valid configuration
          }
          assertEquals(candidate, get(changed, path, 0), name);
          Trial other = Trial.of("s", (TrialConfig) changed, VOCAB, COUNTS);
          if (NOT_IN_ID.contains(name)) {
            assertEquals(id, other.trialId(), name + " is by design no part of the id");
            continue;
          }
          assertNotEquals(
              id,
              other.trialId(),
              name + " changed from " + value + " to " + candidate + " but the id did not");
          varied.add(name);
        }
      }
    }
    assertTrue(
        all.size() >= TrialConfig.class.getRecordComponents().length, "leaves found: " + all);
    Set<String> notVaried = new TreeSet<>(all);
    notVaried.removeAll(varied);
    notVaried.removeAll(NOT_IN_ID);
    // The leaves without another valid value on their own: a schedule, a data source or a
    // tokenizer and its settings change only together (their own leaves are varied on the wsd,
    // synthetic, powerlaw, parquet and bpe bases; a kind without settings holds none, and
    // trialId_differsBetweenTokenizers varies the tokenizer); a parametrization's name changes only
    // with its settings, and an absent parametrization (standard) is no leaf of the other bases'
    // ids, its own fields are varied on the mup base; the transformer has no family settings. The
    // wsd prediction settings pick which points are trained, not what one computes: by design they
    // are no leaf of the id (WsdSpec's walk form), so a predicted point keeps its trained id.
    assertEquals(
        Set.of(
            "training.schedule",
            "training.settings",
            "training.settings.predictBranches",
            "training.settings.curveLaw",
            "data.source.name",
            "data.settings",
            "data.tokenizer",
            "data.tokenizerSettings",
            "data.inputs",
            "parametrization",
            "parametrization.name",
            "familySettings"),
        notVaried,
        "leaves the test could not vary; varied: " + varied);
  }

  /**
   * The input digest (absent on the bases above: the driver sets it when it loads a spec) is part
   * of the id: the same spec over an edited corpus or tokenizer file is another trial.
   */
  @Test
  void trialId_changesWithTheInputDigest() {
    List<String> ids =
        List.of(
                TEXT,
                TEXT.withInputs(new InputDigest("0123456789abcdef", null)),
                TEXT.withInputs(new InputDigest("0123456789abcdee", null)),
                TEXT.withInputs(new InputDigest("0123456789abcdef", "fedcba9876543210")))
            .stream()
            .map(
                d ->
                    Trial.idOf(
                        new TrialConfig(42, "transformer", 64, 2, 4, 64, 65536, 0, d, TRAINING)))
            .distinct()
            .toList();
    assertEquals(4, ids.size(), ids.toString());
  }

  /** Component paths of every leaf below {@code value}, found by reflection. */
  private static void leafPaths(Object value, List<String> path, List<List<String>> out)
      throws Exception {
    if (value instanceof Record r) {
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        List<String> next = new ArrayList<>(path);
        next.add(c.getName());
        leafPaths(c.getAccessor().invoke(r), next, out);
      }
    } else if (value instanceof List<?> list && !list.isEmpty()) {
      for (int i = 0; i < list.size(); i++) {
        List<String> next = new ArrayList<>(path);
        next.add("[" + i + "]");
        leafPaths(list.get(i), next, out);
      }
    } else {
      out.add(path);
    }
  }

  private static Object get(Object value, List<String> path, int at) throws Exception {
    if (at == path.size()) {
      return value;
    }
    if (value instanceof List<?> list) {
      return get(list.get(index(path.get(at))), path, at + 1);
    }
    return get(value.getClass().getMethod(path.get(at)).invoke(value), path, at + 1);
  }

  /**
   * {@code value} with the leaf at {@code path} replaced, rebuilt through the canonical
   * constructors; null if invalid.
   */
  private static Object with(Object value, List<String> path, int at, Object leaf)
      throws Exception {
    if (at == path.size()) {
      return leaf;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list);
      int i = index(path.get(at));
      Object inner = with(copy.get(i), path, at + 1, leaf);
      if (inner == null) {
        return null;
      }
      copy.set(i, inner);
      return List.copyOf(copy);
    }
    RecordComponent[] components = value.getClass().getRecordComponents();
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      args[i] = components[i].getAccessor().invoke(value);
      if (components[i].getName().equals(path.get(at))) {
        args[i] = with(args[i], path, at + 1, leaf);
        if (args[i] == null) {
          return null; // invalid below (candidates are never null)
        }
      }
    }
    Constructor<?> canonical = value.getClass().getDeclaredConstructor(types);
    try {
      return canonical.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof SpecException) {
        return null;
      }
      throw e;
    } catch (IllegalArgumentException e) {
      return null; // a candidate of the wrong type
    }
  }

  private static int index(String step) {
    return Integer.parseInt(step.substring(1, step.length() - 1));
  }

  /** A few other values of the leaf's type; the constructors decide which are valid. */
  private static List<Object> candidates(Object v) {
    return sameType(v).stream().filter(c -> !c.equals(v)).distinct().toList();
  }

  private static List<Object> sameType(Object v) {
    if (v == null) {
      return List.of("file:///other.txt");
    }
    if (v instanceof Integer i) {
      return List.of(i + 1, i * 2, i - 1);
    }
    if (v instanceof Long l) {
      return List.of(l + 1, l * 2, l - 1);
    }
    if (v instanceof Double d) {
      return List.of(d * 0.5, d * 2, d + 0.01, d == 0 ? 0.25 : -d);
    }
    if (v instanceof Float f) {
      return List.of(f * 0.5f, f * 2, f + 0.01f);
    }
    if (v instanceof Boolean b) {
      return List.of(!b);
    }
    if (v instanceof String s) {
      return List.of(s + "x", "other");
    }
    if (v instanceof Enum<?> e) {
      return Arrays.stream(e.getDeclaringClass().getEnumConstants())
          .filter(c -> c != e)
          .map(c -> (Object) c)
          .toList();
    }
    return List.of();
  }

  @Test
  void trial_rejectsAnIdThatIsNotItsConfigurationsHash() {
    TrialConfig c = config(64, 2, 65536);
    SpecException e =
        assertThrows(
            SpecException.class, () -> new Trial("0123456789abcdef", "s", c, VOCAB, COUNTS, null));
    assertTrue(
        e.getMessage()
            .startsWith(
                "trial_id must be the hash of the trial's configuration under id scheme v3 ("
                    + Trial.idOf(c)
                    + ")"),
        e.getMessage());
  }

  @Test
  void seeds_deriveFromSweepSeedAndDifferPerTrial() {
    assertNotEquals(trial(64, 2, 65536).seed(), trial(64, 3, 65536).seed());
    assertEquals(
        trial(64, 2, 65536).dataSeed(),
        trial(128, 3, 65536).dataSeed(),
        "same data order for every model of a replica");
    assertEquals(trial(64, 2, 65536).evalSeed(), trial(32, 1, 4096).evalSeed());
  }

  @Test
  void trial_rejectsWidthNotMultipleOfHeads() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> new TrialConfig(1, "transformer", 96, 1, 64, 64, 65536, 0, DATA, TRAINING));
    assertEquals("width must be a positive multiple of heads (64), found 96", e.getMessage());
  }

  @Test
  void trial_rejectsZeroTokens() {
    SpecException e = assertThrows(SpecException.class, () -> trial(64, 2, 0));
    assertEquals("tokens must be at least one batch (1024), found 0", e.getMessage());
  }

  static final TrainingSpec WSD =
      new TrainingSpec(
          16, 3e-3, 0.0, 0.0, 1.0, 50, "wsd", new WsdSpec(2048, 0.2, CooldownShape.ONE_MINUS_SQRT));

  static Trial wsdTrial(int width, long tokens, int replica) {
    return Trial.of(
        "s",
        new TrialConfig(42, "transformer", width, 2, width / 16, 64, tokens, replica, DATA, WSD),
        VOCAB,
        COUNTS);
  }

  @Test
  void trunkId_isSharedByTheTokenCountsOfOneModelOnly() {
    Trial a = wsdTrial(64, 65_536, 0);
    Trial b = wsdTrial(64, 262_144, 0);
    assertEquals(a.trunkId(), b.trunkId());
    assertNotEquals(a.trialId(), b.trialId());
    assertEquals(a.seed(), b.seed(), "branches of one trunk start from the same weights");
    assertEquals(51, a.forkStep()); // round(0.8 * 65536 / 1024) = round(51.2)
    assertNotEquals(a.trunkId(), wsdTrial(128, 65_536, 0).trunkId());
    assertNotEquals(a.trunkId(), wsdTrial(64, 65_536, 1).trunkId());
    assertNotEquals(a.trunkId(), a.trialId());
  }

  @Test
  void trunkId_isNullAndSeedsDifferPerDWithCosine() {
    Trial a = trial(64, 2, 65_536);
    Trial b = trial(64, 2, 131_072);
    assertEquals(null, a.trunkId());
    assertEquals(0, a.forkStep());
    assertNotEquals(a.seed(), b.seed());
  }

  @Test
  void trialId_ofACosineTrialDoesNotDependOnTheAbsentWsdSection() {
    // The wsd section is omitted from the canonical text while absent, so ids of cosine trials
    // are those they had before wsd existed.
    String canonical = ConfigWalk.canonical(config(64, 2, 65_536));
    assertTrue(!canonical.contains("wsd"), canonical);
    assertTrue(
        ConfigWalk.canonical(wsdTrial(64, 65_536, 0).config())
            .contains("training.wsd.cooldown_fraction=0.2"));
  }
}
