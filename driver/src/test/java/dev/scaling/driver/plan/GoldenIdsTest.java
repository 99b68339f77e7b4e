package dev.scaling.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.trial.Trial;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Trial ids of existing specs must never change: a changed id orphans every committed result of a
 * sweep. The planned ids of each example (and of a parquet spec with a column of its own) are
 * compared, in plan order, with the lists in {@code golden-ids/}, computed once from the code as it
 * was before settings moved into their kinds and committed unchanged since. An example whose spec
 * was redesigned keeps its old spec beside its ids ({@code golden-ids/isoflop-synthetic.yaml}, the
 * IsoFLOP example before it moved to the power-law source), so those ids stay guarded; the new
 * example's ids were added when it landed.
 */
class GoldenIdsTest {

  /**
   * A parquet corpus read from a named column: the text leaves that a synthetic spec leaves out.
   */
  static final String PARQUET =
      """
      name: golden-parquet
      seed: 11
      data: {source: parquet, path: file:/tmp/golden-corpus, text_column: body, tokenizer: bpe,
             vocab_size: 512, validation_fraction: 0.05, eval_tokens: 4096, cache: file:/tmp/t}
      model: {family: transformer, context: 32, head_size: 8}
      grid: {width: [16, 32], depth: [1, 2], tokens: [8192, 16384], seeds: [0, 1]}
      training: {batch_size: 8, learning_rate: 2.0e-3, eval_interval: 10}
      """;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "quickstart",
        "markov",
        "markov-wsd",
        "prose",
        "mup-lr",
        "isoflop",
        "isoflop-synthetic",
        "study",
        "golden-parquet"
      })
  void plan_keepsTheCommittedTrialIds(String name) throws IOException {
    SweepSpec spec =
        name.equals("golden-parquet")
            ? SpecParser.parse(PARQUET)
            : name.equals("isoflop-synthetic")
                ? SpecParser.parse(resource("/golden-ids/isoflop-synthetic.yaml"))
                : SpecParser.parse(Path.of("..", "examples", name + ".yaml"));
    List<String> ids = Planner.plan(spec).trials().stream().map(Trial::trialId).toList();
    assertEquals(golden(name), ids, name + ": planned trial ids differ from the committed ones");
  }

  private static String resource(String path) throws IOException {
    try (InputStream in = GoldenIdsTest.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("no committed " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static List<String> golden(String name) throws IOException {
    try (InputStream in = GoldenIdsTest.class.getResourceAsStream("/golden-ids/" + name + ".txt")) {
      if (in == null) {
        throw new IOException("no committed golden-ids/" + name + ".txt");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }
}
