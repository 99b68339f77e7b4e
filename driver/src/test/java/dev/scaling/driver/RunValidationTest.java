package dev.scaling.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed specs and inputs given to {@code sweep run}: each is refused before any SparkContext
 * starts (no master is configured here, so reaching Spark would fail differently), with exit code
 * 2, one message naming field, rule and value, and nothing written to OUT.
 */
class RunValidationTest {

  static final String VALID =
      """
      name: v
      seed: 1
      data:
        source: text
        path: CORPUS
        validation_fraction: 0.1
        eval_tokens: 256
      model:
        context: 16
        head_size: 16
      grid:
        width: [16, 32]
        depth: [1]
        tokens: [4096]
      training:
        batch_size: 4
        learning_rate: 1.0e-3
        warmup_fraction: 0.1
      """;

  /** A corpus of plain ASCII text large enough for context 16 in both splits. */
  static final String TEXT = "the quick brown fox jumps over the lazy dog. ".repeat(40);

  static Stream<Arguments> malformed() {
    return Stream.of(
        spec(
            "unknown key",
            "  head_size: 16",
            "  head_size: 16\n  dropout: 0.1",
            "model.dropout must be one of the known keys"),
        spec(
            "unknown top-level key",
            "seed: 1",
            "seed: 1\ngpus: 4",
            "gpus must be one of the known keys"),
        spec("wrong type", "seed: 1", "seed: one", "seed must be a whole number, found \"one\""),
        spec(
            "list expected",
            "  depth: [1]",
            "  depth: 1",
            "grid.depth must be a non-empty list, found 1"),
        spec(
            "empty grid",
            "  width: [16, 32]",
            "  width: []",
            "grid.width must be a non-empty list, found []"),
        spec(
            "zero width",
            "  width: [16, 32]",
            "  width: [0, 32]",
            "grid.width[0] must be positive, found 0"),
        spec(
            "negative depth",
            "  depth: [1]",
            "  depth: [-2]",
            "grid.depth[0] must be positive, found -2"),
        spec(
            "zero tokens",
            "  tokens: [4096]",
            "  tokens: [0]",
            "grid.tokens[0] must be positive, found 0"),
        spec(
            "width not multiple of head size",
            "  width: [16, 32]",
            "  width: [16, 24]",
            "grid.width[1] must be a positive multiple of model.head_size (16), found 24"),
        spec(
            "tokens too few for one batch",
            "  tokens: [4096]",
            "  tokens: [63]",
            "grid.tokens[0] must be at least one batch (training.batch_size x model.context = 64), found 63"),
        spec(
            "learning rate not positive",
            "  learning_rate: 1.0e-3",
            "  learning_rate: -0.1",
            "training.learning_rate must be positive, found -0.1"),
        spec(
            "warmup outside [0,1)",
            "  warmup_fraction: 0.1",
            "  warmup_fraction: 1.5",
            "training.warmup_fraction must be in [0, 1), found 1.5"),
        spec(
            "duplicate grid values",
            "  width: [16, 32]",
            "  width: [32, 32]",
            "grid.width[1] must be distinct from earlier values, found 32"),
        spec(
            "batch size zero",
            "  batch_size: 4",
            "  batch_size: 0",
            "training.batch_size must be positive, found 0"),
        spec(
            "validation fraction out of range",
            "  validation_fraction: 0.1",
            "  validation_fraction: 0.9",
            "data.validation_fraction must be in (0, 0.5), found 0.9"),
        spec(
            "unknown data source",
            "  source: text",
            "  source: web",
            // (the list holds the kinds other tests of this JVM register too)
            "data.source must be one of the registered sources ["),
        spec(
            "unknown tokenizer",
            "  source: text",
            "  source: text\n  tokenizer: spm",
            "data.tokenizer must be one of the registered tokenizers [bpe, bytes, gpt2, hf], found \"spm\""),
        spec(
            "bpe vocabulary below 257",
            "  source: text",
            "  source: text\n  tokenizer: bpe\n  vocab_size: 256",
            "data.vocab_size must be in [257, 1048576]"),
        spec(
            "bpe without a vocabulary size",
            "  source: text",
            "  source: text\n  tokenizer: bpe",
            "data.vocab_size must be present when data.tokenizer is bpe"),
        spec(
            "hf tokenizer file that does not parse",
            "  source: text",
            "  source: text\n  tokenizer: hf\n  tokenizer_file: CORPUS",
            "data.tokenizer_file must be a Hugging Face tokenizer.json"),
        spec(
            "epochs_allowed not a boolean",
            "  source: text",
            "  source: text\n  epochs_allowed: maybe",
            "data.epochs_allowed must be true or false, found \"maybe\""),
        spec(
            "unknown model family",
            "  context: 16",
            "  context: 16\n  family: rnn",
            "model.family must be one of [transformer"),
        spec(
            "context not positive",
            "  context: 16",
            "  context: 0",
            "model.context must be in [1, 8192], found 0"),
        spec("bad sweep name", "name: v", "name: \"my sweep\"", "name must be 1-64 letters"),
        spec("invalid yaml", "  depth: [1]", "  depth: [1", "spec: is not valid YAML"),
        input(
            "missing corpus", dir -> dir.resolve("nope.txt").toString(), "data.path: text corpus"),
        input(
            "corpus not UTF-8",
            dir ->
                write(
                    dir,
                    "latin1.txt",
                    ("caf" + (char) 0xE9 + " ").repeat(200),
                    StandardCharsets.ISO_8859_1),
            "not valid UTF-8"),
        input(
            "corpus smaller than the validation split needs",
            dir -> write(dir, "tiny.txt", "x".repeat(100), StandardCharsets.UTF_8),
            "too small for context 16"),
        input(
            "context longer than the corpus",
            dir -> write(dir, "short.txt", "abc", StandardCharsets.UTF_8),
            "too small for context 16"),
        input("empty corpus folder", dir -> mkdir(dir.resolve("empty")), "holds no files"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void run_rejectsMalformedInputBeforeSparkWithFieldRuleAndValue(
      String name, String from, String to, CorpusMaker corpus, String expected, @TempDir Path dir)
      throws Exception {
    String corpusPath =
        corpus == null ? write(dir, "corpus.txt", TEXT, StandardCharsets.UTF_8) : corpus.make(dir);
    String yaml = VALID.replace("CORPUS", corpusPath);
    if (from != null) {
      assertTrue(yaml.contains(from), "test setup: spec holds " + from);
      yaml = yaml.replace(from, to).replace("CORPUS", corpusPath);
    }
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, yaml);
    Path out = dir.resolve("out");

    StringWriter err = new StringWriter();
    int code =
        SweepMain.commandLine()
            .setErr(new PrintWriter(err, true))
            .execute("run", spec.toString(), "--out", out.toString());

    assertEquals(2, code, () -> "exit code for " + name + "; stderr: " + err);
    String message = err.toString().strip();
    assertTrue(message.startsWith("error: "), message);
    assertTrue(
        message.contains(expected), () -> "expected <" + expected + "> in <" + message + ">");
    assertFalse(Files.exists(out), "nothing is written to OUT for a rejected spec");
  }

  @org.junit.jupiter.api.Test
  void run_rejectsOutThatIsAFile(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(
        spec, VALID.replace("CORPUS", write(dir, "corpus.txt", TEXT, StandardCharsets.UTF_8)));
    Path out = Files.writeString(dir.resolve("out"), "not a folder");
    StringWriter err = new StringWriter();
    int code =
        SweepMain.commandLine()
            .setErr(new PrintWriter(err, true))
            .execute("run", spec.toString(), "--out", out.toString());
    assertEquals(2, code);
    assertTrue(
        err.toString().contains("--out must be a folder, found \"file:" + out + " (a file)\""),
        err.toString());
  }

  @org.junit.jupiter.api.Test
  void run_rejectsOutThatIsNotWritable(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(
        spec, VALID.replace("CORPUS", write(dir, "corpus.txt", TEXT, StandardCharsets.UTF_8)));
    // A folder below a regular file can never be created, whoever runs the test (root included).
    Path out = Files.writeString(dir.resolve("blocker"), "x").resolve("out");
    StringWriter err = new StringWriter();
    int code =
        SweepMain.commandLine()
            .setErr(new PrintWriter(err, true))
            .execute("run", spec.toString(), "--out", out.toString());
    assertEquals(2, code, err::toString);
    assertTrue(
        err.toString().contains("--out must be a writable folder, found \"file:" + out),
        err.toString());
  }

  @org.junit.jupiter.api.Test
  void run_rejectsMissingSpecFile(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    int code =
        SweepMain.commandLine()
            .setErr(new PrintWriter(err, true))
            .execute(
                "run",
                dir.resolve("absent.yaml").toString(),
                "--out",
                dir.resolve("out").toString());
    assertEquals(2, code);
    assertTrue(err.toString().contains("SPEC must be an existing file"), err.toString());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  interface CorpusMaker {
    String make(Path dir) throws Exception;
  }

  static Arguments spec(String name, String from, String to, String expected) {
    return Arguments.of(name, from, to, null, expected);
  }

  static Arguments input(String name, CorpusMaker corpus, String expected) {
    return Arguments.of(name, null, null, corpus, expected);
  }

  static String write(Path dir, String file, String text, java.nio.charset.Charset charset)
      throws java.io.IOException {
    return Files.write(dir.resolve(file), text.getBytes(charset)).toString();
  }

  static String mkdir(Path dir) throws java.io.IOException {
    return Files.createDirectories(dir).toString();
  }
}
