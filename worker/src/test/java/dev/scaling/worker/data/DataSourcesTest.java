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
    assertEquals("data.source must be one of [synthetic, text], found \"wiki\"", e.getMessage());
    assertEquals(List.of("synthetic", "text"), DataSources.names());
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
        "data.tokenizer must be one of [bytes], found \"gpt2\"",
        assertThrows(
                SpecException.class, () -> DataSources.of(data("text", "file:/corpus", "gpt2")))
            .getMessage());
  }

  @Test
  void vocab_comesFromTheSyntheticLanguageOrTheTokenizer() {
    assertEquals(40, DataSources.vocab(data("synthetic", null, "bytes")));
    assertEquals(256, DataSources.vocab(data("text", "file:/corpus", "bytes")));
  }
}
