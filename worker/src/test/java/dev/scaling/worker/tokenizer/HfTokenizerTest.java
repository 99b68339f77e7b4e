package dev.scaling.worker.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scaling.common.spec.DataSource;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.tokenizer.HfSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local tokenizer.json through DJL's HF tokenizers (native library from its jar). */
class HfTokenizerTest {
  private static final Configuration CONF = new Configuration();

  static DataSpec data(Path file) {
    return DataSpec.builder(DataSource.TEXT)
        .path("file:/corpus")
        .tokenizer("hf")
        .evalTokens(256)
        .tokenizerSettings(new HfSettings(file.toUri().toString()))
        .build();
  }

  @Test
  void loaded_encodesWithTheFilesVocabulary(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("tokenizer.json"),
            """
            {"version":"1.0","truncation":null,"padding":null,"added_tokens":[],
             "normalizer":null,"pre_tokenizer":{"type":"Whitespace"},"post_processor":null,
             "decoder":null,
             "model":{"type":"WordLevel","vocab":{"[UNK]":0,"hello":1,"world":2,"!":3},
                      "unk_token":"[UNK]"}}
            """);
    DataSpec data = data(file);
    Tokenizer hf = Tokenizers.named("hf");
    assertEquals(4, hf.vocabSize(data, CONF));
    Tokenizer loaded = hf.loaded(data, dir.toUri().toString(), CONF);
    assertArrayEquals(new int[] {1, 2, 3, 0}, loaded.encode("hello world ! bonjour"));
    assertEquals(4, loaded.vocabSize());
  }

  @Test
  void vocabSize_refusesAFileThatDoesNotParse(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("broken.json"), "{\"model\": [1, 2");
    SpecException e =
        assertThrows(SpecException.class, () -> Tokenizers.named("hf").vocabSize(data(file), CONF));
    assertEquals("data.tokenizer_file", e.field());
  }
}
