package dev.scaling.worker.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scaling.common.source.ParquetSettings;
import dev.scaling.common.source.SourceSettings;
import dev.scaling.common.spec.DataSource;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.PowerLawSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.spec.SyntheticSpec;
import dev.scaling.common.tokenizer.BpeSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataSourcesTest {
  private static final SyntheticSpec LANGUAGE = new SyntheticSpec(40, 1, 3, 1.0);

  private static DataSpec data(String source, String path, String tokenizer) {
    SourceSettings settings =
        switch (source) {
          case "synthetic" -> LANGUAGE;
          case "powerlaw" -> PowerLawSpec.DEFAULT;
          case "parquet" -> ParquetSettings.DEFAULT;
          default -> null;
        };
    return DataSpec.builder(new DataSource(source))
        .path(path)
        .tokenizer(tokenizer)
        .evalTokens(256)
        .settings(settings)
        .build();
  }

  @Test
  void of_unknownSourceListsTheRegisteredNames() {
    // The spec side refuses a source no kind registered before a data spec exists.
    SpecException e =
        assertThrows(SpecException.class, () -> DataSources.of(data("wiki", "file:/x", "bytes")));
    assertEquals(
        "data.source must be one of the registered sources [parquet, powerlaw, synthetic, text],"
            + " found \"wiki\"",
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
  }

  @Test
  void dataSpec_refusesATokenizerWithoutItsSettings() {
    // The tokenizers' own settings are parsed and checked by their spec side (common), before a
    // data spec exists: the worker's tokenizers only read them.
    assertEquals(
        "data.tokenizer must be one of the registered tokenizers [bpe, bytes, gpt2, hf], found"
            + " \"spm\"",
        assertThrows(SpecException.class, () -> data("text", "file:/corpus", "spm")).getMessage());
    assertEquals(
        "data.tokenizer must be bpe exactly when its settings [vocab_size] are given, found"
            + " \"bpe\"",
        assertThrows(SpecException.class, () -> data("parquet", "file:/corpus", "bpe"))
            .getMessage());
    assertEquals(
        "data.vocab_size must be in [257, 1048576] (a byte-level BPE has 256 byte tokens, then one"
            + " per merge), found 256",
        assertThrows(SpecException.class, () -> new BpeSettings(256)).getMessage());
    DataSpec bpe =
        DataSpec.builder(DataSource.TEXT)
            .path("file:/c")
            .tokenizer("bpe")
            .tokenizerSettings(new BpeSettings(512))
            .build();
    assertEquals(512, DataSources.vocab(bpe));
  }

  @Test
  void vocab_comesFromTheSyntheticLanguageOrTheTokenizer() {
    assertEquals(40, DataSources.vocab(data("synthetic", null, "bytes")));
    assertEquals(256, DataSources.vocab(data("text", "file:/corpus", "bytes")));
    assertEquals(50257, DataSources.vocab(data("parquet", "file:/corpus", "gpt2")));
  }
}
