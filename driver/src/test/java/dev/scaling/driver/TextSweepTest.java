package dev.scaling.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.spark.TokenizeJob;
import dev.scaling.driver.sweep.RunOutcome;
import dev.scaling.worker.tokenizer.Tokenizer;
import dev.scaling.worker.tokenizer.Tokenizers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Random;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A text sweep on Spark {@code local[2]}: a folder of documents, a BPE trained on its training
 * split by the tokenize job, shards reused by a second job, bits per byte in the tables.
 */
class TextSweepTest {
  static SparkSession spark;
  static final Configuration CONF = new Configuration();

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("TextSweepTest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  static final String SPEC =
      """
      name: prose
      seed: 5
      data:
        source: text
        path: CORPUS
        tokenizer: bpe
        vocab_size: 300
        validation_fraction: 0.2
        eval_tokens: 256
      model:
        context: 16
        head_size: 16
      grid:
        width: [16]
        depth: [1]
        tokens: [2048]
      training:
        batch_size: 4
        learning_rate: 3.0e-3
        eval_interval: 8
      """;

  /** A folder of 30 word-salad documents (deterministic). */
  static Path corpus(Path dir) throws Exception {
    String[] words =
        "the of and to in a is that for it as was with be by on not he this are or his from at"
            .split(" ");
    Random rnd = new Random(3);
    Path folder = Files.createDirectories(dir.resolve("docs"));
    for (int d = 0; d < 30; d++) {
      StringBuilder text = new StringBuilder();
      while (text.length() < 1500) {
        text.append(words[Math.min(words.length - 1, (int) (-Math.log(1 - rnd.nextDouble()) * 6))])
            .append(rnd.nextInt(10) == 0 ? ".\n" : " ");
      }
      Files.writeString(folder.resolve(String.format("doc-%02d.txt", d)), text);
    }
    return folder;
  }

  @Test
  void run_tokenizesOnceTrainsAndReportsBitsPerByte(@TempDir Path dir) throws Exception {
    Path docs = corpus(dir);
    Path spec = dir.resolve("prose.yaml");
    Files.writeString(spec, SPEC.replace("CORPUS", docs.toString()));
    Path out = dir.resolve("out");

    RunOutcome outcome = RunCommand.run(spec.toString(), "--out", out.toString());
    assertEquals(1, outcome.count(TrialStatus.FINISHED), () -> outcome.outcomes().toString());
    TrialOutcome o = outcome.outcomes().get(0);
    Trial trial = o.trial();
    assertTrue(Files.exists(out.resolve("tokenizer/merges.txt")), "merges written with the sweep");

    // Bits per byte, independently: the held-out windows from the eval seed over the validation
    // shard, their label tokens' bytes from the sweep's own merges file.
    Path cache;
    try (var s = Files.list(docs.resolve("_tokens"))) {
      cache = s.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    // The held-out split is its parts concatenated in part order.
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int part = 0;
        Files.exists(cache.resolve(String.format("validation-%05d.bin", part)));
        part++) {
      all.writeBytes(Files.readAllBytes(cache.resolve(String.format("validation-%05d.bin", part))));
    }
    byte[] raw = all.toByteArray();
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    int[] held = new int[raw.length / 2];
    for (int i = 0; i < held.length; i++) {
      held[i] = Short.toUnsignedInt(b.getShort());
    }
    DataSpec data = SpecParser.parse(Files.readString(spec)).data();
    Tokenizer bpe =
        Tokenizers.named("bpe").loaded(data, out.resolve("tokenizer").toUri().toString(), CONF);
    SplittableRandom draws = new SplittableRandom(trial.evalSeed());
    long tokens = 0;
    long bytes = 0;
    for (int w = 0; w < 256 / 16; w++) {
      int off = draws.nextInt(held.length - 16);
      for (int k = 1; k <= 16; k++) {
        bytes += bpe.decode(new int[] {held[off + k]}).getBytes(StandardCharsets.UTF_8).length;
        tokens++;
      }
    }
    double loss = o.result().finalEvalLoss();
    double expected = loss * tokens / Math.log(2) / bytes;
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT final_eval_loss, eval_bits_per_byte, epochs, tokens_trained FROM read_parquet('"
                    + out.resolve("trials")
                    + "/*.parquet')")) {
      assertTrue(rs.next());
      assertEquals(loss, rs.getDouble("final_eval_loss"), 1e-12);
      assertEquals(expected, rs.getDouble("eval_bits_per_byte"), 1e-9);
      long partTokens = 0;
      try (var s = Files.list(cache)) {
        for (Path p :
            s.filter(
                    p ->
                        p.getFileName().toString().startsWith("train-")
                            && p.getFileName().toString().endsWith(".bin"))
                .toList()) {
          partTokens += Files.size(p) / 2;
        }
      }
      assertTrue(partTokens > 2048 / 4, "training tokens " + partTokens);
      assertEquals(2048.0 / partTokens, rs.getDouble("epochs"), 1e-12);
    }
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT eval_loss, eval_bits_per_byte FROM read_parquet('"
                    + out.resolve("curves")
                    + "/*.parquet') WHERE eval_loss IS NOT NULL")) {
      int n = 0;
      while (rs.next()) {
        n++;
        assertEquals(
            rs.getDouble("eval_loss") * tokens / Math.log(2) / bytes,
            rs.getDouble("eval_bits_per_byte"),
            1e-9);
      }
      assertTrue(n >= 2, "curve points with an evaluation: " + n);
    }

    // A second job on the same corpus and tokenizer reuses the cache and says so.
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    TokenizeJob.Result again =
        TokenizeJob.run(
            spark, withPath(data, docs), 16, 2048, CONF, new PrintStream(console, true));
    assertTrue(again.reused());
    assertTrue(console.toString().startsWith("Token cache: reusing "), console.toString());
  }

  static DataSpec withPath(DataSpec data, Path docs) {
    return data.withLocations(docs.toUri().toString(), null, null);
  }

  @Test
  void run_refusesDAboveTheTrainingTokensAndNonUtf8Documents(@TempDir Path dir) throws Exception {
    Path docs = corpus(dir);
    DataSpec data = withPath(SpecParser.parse(SPEC.replace("CORPUS", "x")).data(), docs);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
    SpecException tooMany =
        assertThrows(
            SpecException.class, () -> TokenizeJob.run(spark, data, 16, 1_000_000, CONF, quiet));
    assertEquals("grid.tokens", tooMany.field());
    assertTrue(tooMany.getMessage().endsWith("found 1000000"), tooMany.getMessage());

    Path bad = Files.createDirectories(dir.resolve("bad"));
    Files.writeString(bad.resolve("a.txt"), "fine text ".repeat(100));
    byte[] latin = ("caf" + (char) 0xE9 + " ").repeat(50).getBytes(StandardCharsets.ISO_8859_1);
    Files.write(bad.resolve("b.txt"), latin);
    SpecException notUtf8 =
        assertThrows(
            SpecException.class,
            () -> TokenizeJob.run(spark, withPath(data, bad), 16, 0, CONF, quiet));
    assertEquals("data.path", notUtf8.field());
    assertTrue(
        notUtf8
            .getMessage()
            .contains("b.txt is not valid UTF-8: bad byte sequence at byte offset 3"),
        notUtf8.getMessage());
    assertFalse(Files.exists(bad.resolve("_tokens").resolve("index.properties")));
  }
}
