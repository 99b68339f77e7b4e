package dev.scaling.common.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.tokenizer.BpeSettings;
import dev.scaling.common.tokenizer.HfSettings;
import dev.scaling.common.trial.ConfigWalk;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecParserTest {

  static final String VALID =
      """
      name: t1
      seed: 7
      data:
        source: synthetic
        eval_tokens: 1024
      model:
        context: 32
        head_size: 16
      grid:
        width: [32, 64]
        depth: [1, 2]
        tokens: [4096, 8192]
      training:
        batch_size: 8
        learning_rate: 1.0e-3
      """;

  @Test
  void parse_readsEveryFieldAndDefaults() {
    SweepSpec s = SpecParser.parse(VALID);
    assertEquals("t1", s.name());
    assertEquals(7L, s.seed());
    assertEquals(DataSource.SYNTHETIC, s.data().source());
    assertEquals(1024, s.data().evalTokens());
    assertEquals(SyntheticSpec.DEFAULT, s.data().settings());
    assertEquals(List.of(32, 64), s.grid().width());
    assertEquals(List.of(4096L, 8192L), s.grid().tokens());
    assertEquals(List.of(0), s.grid().seeds());
    assertEquals(0.1, s.training().minLrFraction());
    assertEquals(8, s.grid().size());
  }

  static final String TEXT =
      VALID.replace(
          "source: synthetic", "source: text\n  path: file:///corpus.txt\n  tokenizer: bytes");

  @Test
  void parse_readsATextSpecWithoutASyntheticBlock() {
    DataSpec data = SpecParser.parse(TEXT).data();
    assertEquals(DataSource.TEXT, data.source());
    assertEquals("file:///corpus.txt", data.path());
    assertNull(data.settings(), "text has no settings of its own");
    // The walk still lists the leaves a text spec always had (the default synthetic block and the
    // default column), so its trial ids are those it had before the block was optional.
    String leaves = ConfigWalk.canonical(data);
    assertTrue(
        leaves.contains(
            "eval_tokens=1024\nsynthetic.vocab=64\nsynthetic.order=2\nsynthetic.branching=8\n"
                + "synthetic.zipf=1.1\ntext_column=\"text\"\nvocab_size=null\n"),
        leaves);
  }

  @Test
  void parse_refusesASyntheticBlockUnderAnotherSource() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () ->
                SpecParser.parse(
                    TEXT.replace(
                        "tokenizer: bytes", "tokenizer: bytes\n  synthetic: {vocab: 64}")));
    assertEquals("data.synthetic", e.field());
    assertTrue(
        e.getMessage()
            .startsWith(
                "data.synthetic must be absent unless data.source is synthetic (data.source is"
                    + " text)"),
        e.getMessage());
  }

  @Test
  void parse_refusesATextColumnUnlessTheSourceIsParquet() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> SpecParser.parse(TEXT.replace("tokenizer: bytes", "text_column: body")));
    assertEquals("data.text_column", e.field());
    assertTrue(e.getMessage().contains("unless data.source is parquet"), e.getMessage());
  }

  @Test
  void parse_tokenizersReadTheirOwnSettings() {
    DataSpec bpe =
        SpecParser.parse(TEXT.replace("tokenizer: bytes", "tokenizer: bpe\n  vocab_size: 512"))
            .data();
    assertEquals(new BpeSettings(512), bpe.tokenizerSettings());
    assertNull(SpecParser.parse(TEXT).data().tokenizerSettings(), "bytes has no settings");
    DataSpec hf =
        SpecParser.parse(
                TEXT.replace("tokenizer: bytes", "tokenizer: hf\n  tokenizer_file: file:/t.json"))
            .data();
    assertEquals(new HfSettings("file:/t.json"), hf.tokenizerSettings());
    assertTrue(
        ConfigWalk.canonical(hf).contains("\nvocab_size=null\ntokenizer_file=\"file:/t.json\"\n"));
  }

  @Test
  void parse_refusesATokenizersSettingsMissingOrUnderAnotherTokenizer() {
    assertEquals(
        "data.vocab_size must be present when data.tokenizer is bpe (at least 257), found nothing"
            + " (missing)",
        assertThrows(
                SpecException.class,
                () -> SpecParser.parse(TEXT.replace("tokenizer: bytes", "tokenizer: bpe")))
            .getMessage());
    assertEquals(
        "data.tokenizer_file must be present when data.tokenizer is hf (a tokenizer.json URI),"
            + " found nothing (missing)",
        assertThrows(
                SpecException.class,
                () -> SpecParser.parse(TEXT.replace("tokenizer: bytes", "tokenizer: hf")))
            .getMessage());
    assertEquals(
        "data.vocab_size must be absent unless data.tokenizer is bpe (data.tokenizer is bytes),"
            + " found 512",
        assertThrows(
                SpecException.class,
                () ->
                    SpecParser.parse(
                        TEXT.replace("tokenizer: bytes", "tokenizer: bytes\n  vocab_size: 512")))
            .getMessage());
    assertEquals(
        "data.tokenizer_file must be absent unless data.tokenizer is hf (data.tokenizer is bpe),"
            + " found \"file:/t.json\"",
        assertThrows(
                SpecException.class,
                () ->
                    SpecParser.parse(
                        TEXT.replace(
                            "tokenizer: bytes",
                            "tokenizer: bpe\n  vocab_size: 512\n  tokenizer_file: file:/t.json")))
            .getMessage());
  }

  @Test
  void parse_refusesAnUnregisteredSource() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> SpecParser.parse(VALID.replace("source: synthetic", "source: wiki")));
    assertEquals(
        "data.source must be one of the registered sources [parquet, powerlaw, synthetic, text],"
            + " found \"wiki\"",
        e.getMessage());
  }

  @Test
  void parse_scheduleDefaultsToCosineAndAcceptsItByName() {
    assertEquals("cosine", SpecParser.parse(VALID).training().schedule());
    SweepSpec named =
        SpecParser.parse(
            VALID.replace("learning_rate: 1.0e-3", "learning_rate: 1.0e-3\n  schedule: cosine"));
    assertEquals("cosine", named.training().schedule());
    assertEquals(SpecParser.parse(VALID).training(), named.training());
  }

  @Test
  void parse_readsWsdSettingsWithTheirDefaults() {
    SweepSpec s =
        SpecParser.parse(
            VALID.replace(
                "learning_rate: 1.0e-3",
                "learning_rate: 1.0e-3\n  schedule: wsd\n  warmup_tokens: 512"));
    assertEquals("wsd", s.training().schedule());
    assertEquals(new WsdSpec(512, 0.2, CooldownShape.ONE_MINUS_SQRT), s.training().settings());
    assertEquals(0.0, s.training().minLrFraction(), "wsd cools down to 0 unless told");
    SweepSpec linear =
        SpecParser.parse(
            VALID.replace(
                "learning_rate: 1.0e-3",
                "learning_rate: 1.0e-3\n  schedule: wsd\n  warmup_tokens: 0\n"
                    + "  cooldown_fraction: 0.3\n  cooldown_shape: linear\n  min_lr_fraction: 0.1"));
    assertEquals(new WsdSpec(0, 0.3, CooldownShape.LINEAR), linear.training().settings());
    assertEquals(0.1, linear.training().minLrFraction());
    assertEquals(null, SpecParser.parse(VALID).training().settings());
  }

  @Test
  void parse_markovWsdExampleIsValidAndKeepsTheMarkovGrid() throws Exception {
    SweepSpec wsd = SpecParser.parse(Path.of("../examples/markov-wsd.yaml"));
    SweepSpec cosine = SpecParser.parse(Path.of("../examples/markov.yaml"));
    assertEquals("wsd", wsd.training().schedule());
    assertEquals(cosine.grid(), wsd.grid());
    assertEquals(cosine.model(), wsd.model());
    assertEquals(cosine.data(), wsd.data());
  }

  @Test
  void parse_unknownScheduleNamesTheField() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () ->
                SpecParser.parse(
                    VALID.replace(
                        "learning_rate: 1.0e-3", "learning_rate: 1.0e-3\n  schedule: Cosine")));
    assertEquals("training.schedule", e.field());
  }

  @Test
  void parse_examplesAreValid() throws Exception {
    assertEquals(36, SpecParser.parse(Path.of("..", "examples", "markov.yaml")).grid().size());
    SweepSpec quickstart = SpecParser.parse(Path.of("..", "examples", "quickstart.yaml"));
    assertEquals(DataSource.POWERLAW, quickstart.data().source());
    assertEquals("wsd", quickstart.training().schedule());
    SweepSpec study = SpecParser.parse(Path.of("..", "examples", "study.yaml"));
    assertEquals(DataSource.POWERLAW, study.data().source());
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("name: t1", "name: bad name!", "name must be 1-64 letters"),
        Arguments.of("seed: 7", "seed: seven", "seed must be a whole number, found \"seven\""),
        Arguments.of(
            "  head_size: 16",
            "  head_size: 16\n  colour: red",
            "model.colour must be one of the known keys"),
        Arguments.of(
            "width: [32, 64]", "width: []", "grid.width must be a non-empty list, found []"),
        Arguments.of(
            "width: [32, 64]",
            "width: [32, 40]",
            "grid.width[1] must be a positive multiple of model.head_size (16), found 40"),
        Arguments.of(
            "width: [32, 64]",
            "width: [32, 32]",
            "grid.width[1] must be distinct from earlier values, found 32"),
        Arguments.of("depth: [1, 2]", "depth: [0, 2]", "grid.depth[0] must be positive, found 0"),
        Arguments.of(
            "tokens: [4096, 8192]",
            "tokens: [4096, -1]",
            "grid.tokens[1] must be positive, found -1"),
        Arguments.of(
            "tokens: [4096, 8192]",
            "tokens: [100, 8192]",
            "grid.tokens[0] must be at least one batch (training.batch_size x model.context = 256), found 100"),
        Arguments.of(
            "learning_rate: 1.0e-3",
            "learning_rate: 0",
            "training.learning_rate must be positive, found 0"),
        Arguments.of(
            "learning_rate: 1.0e-3",
            "learning_rate: 1.0e-3\n  warmup_fraction: 1.0",
            "training.warmup_fraction must be in [0, 1), found 1.0"),
        Arguments.of(
            "source: synthetic",
            "source: Wiki!",
            "data.source must be a source name (a lowercase letter, then up to 63 lowercase letters, digits, - or _), found \"Wiki!\""),
        Arguments.of(
            "source: synthetic",
            "source: synthetic\n  tokenizer: 7",
            "data.tokenizer must be a string, found 7"),
        Arguments.of(
            "  context: 32", "  context: 32.5", "model.context must be a whole number, found 32.5"),
        Arguments.of(
            "batch_size: 8",
            "batch_size: [8]",
            "training.batch_size must be a whole number, found [8]"),
        Arguments.of(
            "learning_rate: 1.0e-3",
            "learning_rate: 1.0e-3\n  schedule: wsdd",
            "training.schedule must be one of the registered schedules [cosine, wsd], found"
                + " \"wsdd\""),
        Arguments.of(
            "learning_rate: 1.0e-3",
            "learning_rate: 1.0e-3\n  schedule: wsd\n  warmup_tokens: 1024\n  warmup_fraction: 0.1",
            "training.warmup_fraction must be absent with schedule wsd"),
        Arguments.of(
            "learning_rate: 1.0e-3",
            "learning_rate: 1.0e-3\n  schedule: wsd",
            "training.warmup_tokens must be present with schedule wsd"),
        Arguments.of(
            "learning_rate: 1.0e-3",
            "learning_rate: 1.0e-3\n  schedule: wsd\n  warmup_tokens: 1024\n  cooldown_fraction: 1.0",
            "training.cooldown_fraction must be in (0, 1), found 1.0"),
        Arguments.of(
            "learning_rate: 1.0e-3",
            "learning_rate: 1.0e-3\n  schedule: wsd\n  warmup_tokens: 1024\n  cooldown_fraction: 0",
            "training.cooldown_fraction must be in (0, 1), found 0"),
        Arguments.of(
            "learning_rate: 1.0e-3",
            "learning_rate: 1.0e-3\n  schedule: wsd\n  warmup_tokens: -1",
            "training.warmup_tokens must be >= 0, found -1"),
        Arguments.of(
            "learning_rate: 1.0e-3",
            "learning_rate: 1.0e-3\n  schedule: wsd\n  warmup_tokens: 1024\n  cooldown_shape: sqrt",
            "training.cooldown_shape must be one of [1-sqrt, linear, cosine], found \"sqrt\""),
        Arguments.of(
            "learning_rate: 1.0e-3",
            "learning_rate: 1.0e-3\n  cooldown_fraction: 0.2",
            "training.cooldown_fraction must be absent unless training.schedule is wsd"),
        Arguments.of(
            "learning_rate: 1.0e-3",
            "learning_rate: 1.0e-3\n  schedule: 3",
            "training.schedule must be a string, found 3"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void parse_rejectsMalformedSpecWithFieldRuleAndValue(String from, String to, String expected) {
    String yaml = VALID.replace(from, to);
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(yaml));
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().startsWith(expected) || e.getMessage().contains(expected),
        () -> "expected message containing <" + expected + "> but was <" + e.getMessage() + ">");
  }

  static final String ISOFLOP =
      VALID.replace(
          "  tokens: [4096, 8192]\n",
          """
            isoflop:
              budgets: [1.0e11, 3.0e+11, 1000000000000]
              models: 7
              span: 16
              tokens_per_param: 20
          """);

  @Test
  void parse_readsAnIsoflopGridInPlaceOfTokens() {
    SweepSpec s = SpecParser.parse(ISOFLOP);
    IsoflopSpec iso = s.grid().isoflop();
    assertEquals(List.of(1.0e11, 3.0e11, 1.0e12), iso.budgets());
    assertEquals(7, iso.models());
    assertEquals(16.0, iso.span());
    assertEquals(20.0, iso.tokensPerParam());
    assertEquals(List.of(), s.grid().tokens());
    assertEquals(3 * 7, s.grid().size(), "budgets x models x 1 rate x 1 seed");
    assertEquals(Math.sqrt(1.0e11 / 120), iso.centre(1.0e11), 1e-9);
    assertEquals(null, SpecParser.parse(VALID).grid().isoflop());
  }

  @Test
  void parse_isoflopExampleIsValid() throws Exception {
    SweepSpec s = SpecParser.parse(Path.of("..", "examples", "isoflop.yaml"));
    assertEquals(3, s.grid().isoflop().budgets().size());
    assertEquals(7, s.grid().isoflop().models());
    assertEquals(2, s.grid().seeds().size());
  }

  static Stream<Arguments> malformedIsoflop() {
    return Stream.of(
        Arguments.of(
            "  width: [32, 64]",
            "  tokens: [4096, 8192]\n  width: [32, 64]",
            "grid.tokens must be absent when grid.isoflop is given (each budget sets its models'"
                + " tokens), found [4096, 8192]"),
        Arguments.of(
            "    models: 7",
            "    models: 4",
            "grid.isoflop.models must be at least 5 (a parabola in log N needs them), found 4"),
        Arguments.of(
            "    span: 16", "    span: 1", "grid.isoflop.span must be greater than 1, found 1.0"),
        Arguments.of(
            "    tokens_per_param: 20",
            "    tokens_per_param: 0",
            "grid.isoflop.tokens_per_param must be positive, found 0.0"),
        Arguments.of(
            "[1.0e11, 3.0e+11, 1000000000000]",
            "[1.0e11, -3.0e+11]",
            "grid.isoflop.budgets[1] must be a positive number of FLOPs, found -3.0E11"),
        Arguments.of(
            "[1.0e11, 3.0e+11, 1000000000000]",
            "[1.0e11, 100000000000]",
            "grid.isoflop.budgets[1] must be distinct from earlier values, found 1.0E11"),
        Arguments.of(
            "[1.0e11, 3.0e+11, 1000000000000]",
            "[1.0e11, lots]",
            "grid.isoflop.budgets[1] must be a number, found \"lots\""),
        Arguments.of(
            "[1.0e11, 3.0e+11, 1000000000000]",
            "[]",
            "grid.isoflop.budgets must be a non-empty list, found []"),
        Arguments.of(
            "    span: 16",
            "    span: 16\n    centre: 3",
            "grid.isoflop.centre must be one of the known keys [budgets, models, span,"
                + " tokens_per_param], found \"centre (unknown key)\""),
        Arguments.of(
            "    models: 7\n", "", "grid.isoflop.models must be present, found nothing (missing)"));
  }

  @ParameterizedTest
  @MethodSource("malformedIsoflop")
  void parse_rejectsMalformedIsoflopGridWithFieldRuleAndValue(
      String from, String to, String expected) {
    String yaml = ISOFLOP.replace(from, to);
    org.junit.jupiter.api.Assertions.assertNotEquals(ISOFLOP, yaml, "the case edits the spec");
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(yaml));
    assertEquals(expected, e.getMessage());
  }

  @Test
  void parse_rejectsAGridWithNeitherTokensNorIsoflop() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> SpecParser.parse(VALID.replace("  tokens: [4096, 8192]\n", "")));
    assertEquals(
        "grid.tokens must be a non-empty list (or grid.isoflop instead), found nothing (missing)",
        e.getMessage());
  }

  @Test
  void parse_rejectsUnknownTopLevelKey() {
    SpecException e =
        assertThrows(SpecException.class, () -> SpecParser.parse(VALID + "gpus: 8\n"));
    assertEquals("gpus", e.field());
  }

  @Test
  void parse_rejectsInvalidYaml() {
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse("name: [unclosed"));
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().startsWith("spec: is not valid YAML"), e.getMessage());
  }

  @Test
  void parse_yamlSyntaxErrorNamesLineAndColumn() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> SpecParser.parse(VALID.replace("width: [32, 64]", "width: [32, 64")));
    String m = e.getMessage();
    org.junit.jupiter.api.Assertions.assertTrue(
        m.startsWith("spec: is not valid YAML") && m.matches("(?s).*line \\d+, column \\d+.*"), m);
    org.junit.jupiter.api.Assertions.assertFalse(m.contains("\n"), "one line: " + m);
  }

  @Test
  void parse_duplicateKeyNamesLineColumnAndKey() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () ->
                SpecParser.parse(
                    VALID.replace("  depth: [1, 2]\n", "  depth: [1, 2]\n  depth: [3]\n")));
    String m = e.getMessage();
    // depth is on line 11 of VALID, the duplicate on line 12, column 3 (1-based).
    org.junit.jupiter.api.Assertions.assertTrue(m.contains("duplicate key depth"), m);
    org.junit.jupiter.api.Assertions.assertTrue(m.contains("line 12, column 3"), m);
    org.junit.jupiter.api.Assertions.assertFalse(m.contains("\n"), "one line: " + m);
  }

  @Test
  void parse_tabIndentNamesLineAndColumn() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> SpecParser.parse(VALID.replace("  depth: [1, 2]", "\tdepth: [1, 2]")));
    String m = e.getMessage();
    org.junit.jupiter.api.Assertions.assertTrue(m.contains("line 11, column 1"), m);
    org.junit.jupiter.api.Assertions.assertTrue(
        m.toLowerCase(java.util.Locale.ROOT).contains("tab"), m);
    org.junit.jupiter.api.Assertions.assertFalse(m.contains("\n"), "one line: " + m);
  }

  /** A grid of 1000 widths, 1000 depths and 1000 token counts: 1e9 trials, past an int. */
  private static String hugeGrid(int perAxis, String seeds) {
    StringBuilder w = new StringBuilder();
    StringBuilder d = new StringBuilder();
    StringBuilder t = new StringBuilder();
    for (int i = 1; i <= perAxis; i++) {
      w.append(i == 1 ? "" : ", ").append(16 * i);
      d.append(i == 1 ? "" : ", ").append(i);
      t.append(i == 1 ? "" : ", ").append(4096L * i);
    }
    return VALID
        .replace("width: [32, 64]", "width: [" + w + "]")
        .replace("depth: [1, 2]", "depth: [" + d + "]")
        .replace("tokens: [4096, 8192]", "tokens: [" + t + "]\n  seeds: " + seeds);
  }

  @Test
  void parse_refusesAGridPastTheTrialLimitQuicklyAndWithoutOverflow() {
    // 2000^3 x 3 seeds = 2.4e10 trials: an int product overflows (to a negative number).
    String yaml = hugeGrid(2000, "[0, 1, 2]");
    long t0 = System.nanoTime();
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(yaml));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals("grid", e.field());
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().contains("24000000000"), e.getMessage());
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("100000"), e.getMessage());
    org.junit.jupiter.api.Assertions.assertTrue(ms < 1000, "refused in " + ms + " ms");
  }

  @Test
  void gridSize_isALongProductOfEveryAxis() {
    GridSpec g =
        new GridSpec(
            java.util.stream.IntStream.rangeClosed(1, 2000).map(i -> 16 * i).boxed().toList(),
            java.util.stream.IntStream.rangeClosed(1, 2000).boxed().toList(),
            java.util.stream.LongStream.rangeClosed(1, 2000).map(i -> 4096 * i).boxed().toList(),
            List.of(1e-3, 2e-3),
            List.of(0, 1, 2),
            null);
    assertEquals(2000L * 2000 * 2000 * 2 * 3, g.size());
  }

  @Test
  void parse_trialLimitIsSettableBySystemProperty() {
    String yaml = hugeGrid(50, "[0]"); // 125 000 trials
    assertThrows(SpecException.class, () -> SpecParser.parse(yaml));
    String before = System.getProperty(TrialLimit.PROPERTY);
    System.setProperty(TrialLimit.PROPERTY, "200000");
    try {
      assertEquals(125_000L, SpecParser.parse(yaml).grid().size());
      System.setProperty(TrialLimit.PROPERTY, "1000");
      SpecException e =
          assertThrows(SpecException.class, () -> SpecParser.parse(hugeGrid(11, "[0]")));
      org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("1331"), e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty(TrialLimit.PROPERTY);
      } else {
        System.setProperty(TrialLimit.PROPERTY, before);
      }
    }
  }
}
