package dev.scaling.worker.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.source.ParquetSettings;
import dev.scaling.common.spec.DataSource;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.TrainingSpec;
import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialConfig;
import dev.scaling.worker.model.ModelFamilies;
import dev.scaling.worker.model.TransformerFamily;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet corpora written by parquet-hadoop's example writer, read back as documents. */
class ParquetSourceTest {
  private static final Configuration CONF = new Configuration();
  private static final int CONTEXT = 16;
  private static final MessageType SCHEMA =
      MessageTypeParser.parseMessageType(
          "message doc { required int32 id; optional binary body (UTF8); }");

  static DataSpec data(String path, String column, boolean epochs) {
    return DataSpec.builder(new DataSource("parquet"))
        .path(path)
        .validationFraction(0.25)
        .evalTokens(256)
        .epochsAllowed(epochs)
        .settings(new ParquetSettings(column))
        .build();
  }

  static Trial trial(DataSpec data, long tokens) {
    TrainingSpec training = new TrainingSpec(4, 3e-3, 0.1, 0.1, 1.0, 10);
    return ModelFamilies.trial(
        "test",
        new TrialConfig(7L, TransformerFamily.NAME, 32, 1, 2, CONTEXT, tokens, 0, data, training));
  }

  /** Writes rows {@code docs} (null: a null body) to {@code file}. */
  static void write(Path file, List<String> docs) throws IOException {
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(file.toUri()))
            .withType(SCHEMA)
            .withConf(CONF)
            .build()) {
      SimpleGroupFactory f = new SimpleGroupFactory(SCHEMA);
      for (int i = 0; i < docs.size(); i++) {
        Group g = f.newGroup().append("id", i);
        if (docs.get(i) != null) {
          g.append("body", docs.get(i));
        }
        writer.write(g);
      }
    }
  }

  @Test
  void forTrial_readsRowsAsDocumentsHeldOutByTheirHash(@TempDir Path dir) throws IOException {
    List<String> docs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      docs.add(
          "Row " + i + " says: " + "the parquet document number " + i + ". ".repeat(1 + i % 3));
    }
    docs.add(null);
    write(dir.resolve("part-0.parquet"), docs.subList(0, 20));
    write(dir.resolve("part-1.parquet"), docs.subList(20, docs.size()));
    ByteArrayOutputStream train = new ByteArrayOutputStream();
    ByteArrayOutputStream held = new ByteArrayOutputStream();
    for (String d : docs) {
      if (d != null) {
        (TextSourceTest.heldOut(d) ? held : train).writeBytes(d.getBytes(StandardCharsets.UTF_8));
      }
    }
    assertTrue(held.size() > CONTEXT && train.size() > held.size(), "test setup");

    DataSpec data = data(dir.toUri().toString(), "body", false);
    assertEquals(2, DataSources.preflight(data, CONTEXT, CONF).files());
    Trial trial = trial(data, 4L * 4 * CONTEXT);
    TrialData windows = TrialData.forTrial(trial, CONF);
    assertEquals((long) train.size(), windows.trainTokens());
    long[] inputs = new long[4 * CONTEXT];
    long[] labels = new long[4 * CONTEXT];
    windows.nextTrainBatch(inputs, labels);
    byte[] t = train.toByteArray();
    SplittableRandom draws = new SplittableRandom(trial.dataSeed());
    for (int row = 0; row < 4; row++) {
      TextSourceTest.assertWindow(t, draws.nextInt(t.length - CONTEXT), row, inputs, labels);
    }
    byte[] v = held.toByteArray();
    long[] evalIn = new long[windows.evalWindows() * CONTEXT];
    long[] evalLabels = new long[windows.evalWindows() * CONTEXT];
    windows.evalBatch(0, windows.evalWindows(), evalIn, evalLabels);
    SplittableRandom evalDraws = new SplittableRandom(trial.evalSeed());
    for (int j = 0; j < windows.evalWindows(); j++) {
      TextSourceTest.assertWindow(v, evalDraws.nextInt(v.length - CONTEXT), j, evalIn, evalLabels);
    }
    assertEquals(1.0, windows.evalTokensPerByte(), 0.0, "byte tokens: one token per byte");

    // The shard is the held-out bytes as little-endian uint16, one document after another.
    TokenCache.Location location = TokenCache.locate(data, CONF);
    byte[] shard =
        java.nio.file.Files.readAllBytes(
            Path.of(java.net.URI.create(location.folder() + "/validation-00000.bin")));
    assertEquals(2 * v.length, shard.length);
    for (int i = 0; i < v.length; i++) {
      assertEquals(v[i] & 0xFF, (shard[2 * i] & 0xFF) | (shard[2 * i + 1] & 0xFF) << 8);
    }
    assertTrue(TokenCache.ensure(data, location, CONF), "a second build reuses the cache");
  }

  @Test
  void preflight_rejectsAMissingOrNonStringColumnNamingIt(@TempDir Path dir) throws IOException {
    write(dir.resolve("a.parquet"), List.of("one document", "another document"));
    String uri = dir.toUri().toString();
    SpecException missing =
        assertThrows(
            SpecException.class,
            () -> DataSources.preflight(data(uri, "text", false), CONTEXT, CONF));
    assertEquals("data.text_column", missing.field());
    assertTrue(missing.getMessage().contains("[id, body]"), missing.getMessage());
    SpecException notString =
        assertThrows(
            SpecException.class,
            () -> DataSources.preflight(data(uri, "id", false), CONTEXT, CONF));
    assertEquals("data.text_column", notString.field());
    assertTrue(notString.getMessage().contains("a string column"), notString.getMessage());
  }

  @Test
  void checkTokens_refusesMoreTokensThanTheTrainingSplitUnlessEpochsAreAllowed(@TempDir Path dir)
      throws IOException {
    List<String> docs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      docs.add("document " + i + " of a small corpus. ".repeat(2));
    }
    write(dir.resolve("a.parquet"), docs);
    DataSpec data = data(dir.toUri().toString(), "body", false);
    TokenCache.Location location = TokenCache.locate(data, CONF);
    TokenCache.ensure(data, location, CONF);
    long train = DataSources.checkTokens(data, location, CONTEXT, 0, CONF);
    long expected =
        docs.stream()
            .filter(d -> !TextSourceTest.heldOut(d))
            .mapToLong(d -> d.getBytes(StandardCharsets.UTF_8).length)
            .sum();
    assertEquals(expected, train);
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> DataSources.checkTokens(data, location, CONTEXT, train + 1, CONF));
    assertEquals(
        "grid.tokens must be at most the "
            + train
            + " tokens of the training split unless data.epochs_allowed is true, found "
            + (train + 1),
        e.getMessage());
    DataSpec epochs = data(dir.toUri().toString(), "body", true);
    assertEquals(
        train,
        DataSources.checkTokens(
            epochs, TokenCache.locate(epochs, CONF), CONTEXT, 10 * train, CONF));
  }
}
