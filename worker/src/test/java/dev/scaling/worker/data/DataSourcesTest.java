package dev.scaling.worker.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scaling.common.spec.DataSource;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SyntheticSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataSourcesTest {
  private static final SyntheticSpec LANGUAGE = new SyntheticSpec(40, 1, 3, 1.0);

  private static DataSpec data(String source, String path, String tokenizer) {
    return new DataSpec(new DataSource(source), path, tokenizer, 0.1, 256, LANGUAGE);
  }

  @Test
  void of_unknownSourceListsTheRegisteredNames() {
    SpecException e =
        assertThrows(SpecException.class, () -> DataSources.of(data("wiki", "file:/x", "bytes")));
    assertEquals(
        "data.source must be one of [synthetic, powerlaw, text, parquet], found \"wiki\"",
        e.getMessage());
    assertEquals(List.of("synthetic", "powerlaw", "text", "parquet"), DataSources.names());
  }

  @Test
  void of_checksTheFieldsEachSourceNeeds() {
    assertEquals(
        "data.path must be a file or folder URI when data.source is text, found nothing (missing)",
        assertThrows(SpecException.class, () -> DataSources.of(data("text", null, "bytes")))
            .getMessage());
    assertEquals(
        "data.path must be absent when data.source is synthetic, found \"file:/corpus\"",
        assertThrows(
                SpecException.class,
                () -> DataSources.of(data("synthetic", "file:/corpus", "bytes")))
            .getMessage());
    assertEquals(
        "data.tokenizer must be one of [bytes, gpt2, bpe, hf], found \"spm\"",
        assertThrows(SpecException.class, () -> DataSources.of(data("text", "file:/corpus", "spm")))
            .getMessage());
    assertEquals(
        "data.vocab_size must be present when data.tokenizer is bpe (at least 257), found nothing"
            + " (missing)",
        assertThrows(
                SpecException.class, () -> DataSources.of(data("parquet", "file:/corpus", "bpe")))
            .getMessage());
    assertEquals(
        "data.tokenizer_file must be present when data.tokenizer is hf (a tokenizer.json URI),"
            + " found nothing (missing)",
        assertThrows(SpecException.class, () -> DataSources.of(data("text", "file:/corpus", "hf")))
            .getMessage());
    DataSpec bytesWithVocab =
        new DataSpec(
            DataSource.TEXT,
            "file:/c",
            "bytes",
            0.1,
            256,
            LANGUAGE,
            "text",
            512,
            null,
            false,
            null);
    assertEquals(
        "data.vocab_size must be absent unless data.tokenizer is bpe (bytes has a fixed"
            + " vocabulary), found 512",
        assertThrows(SpecException.class, () -> DataSources.of(bytesWithVocab)).getMessage());
    assertEquals(
        "data.vocab_size must be in [257, 1048576] (a byte-level BPE has 256 byte tokens, then one"
            + " per merge), found 256",
        assertThrows(
                SpecException.class,
                () ->
                    new DataSpec(
                        DataSource.TEXT,
                        "file:/c",
                        "bpe",
                        0.1,
                        256,
                        LANGUAGE,
                        "text",
                        256,
                        null,
                        false,
                        null))
            .getMessage());
  }

  @Test
  void vocab_comesFromTheSyntheticLanguageOrTheTokenizer() {
    assertEquals(40, DataSources.vocab(data("synthetic", null, "bytes")));
    assertEquals(256, DataSources.vocab(data("text", "file:/corpus", "bytes")));
    assertEquals(50257, DataSources.vocab(data("parquet", "file:/corpus", "gpt2")));
  }
}
