package dev.scaling.worker.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.worker.TestTrials;
import dev.scaling.worker.tokenizer.ByteTokenizer;
import dev.scaling.worker.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusTest {
  private static final Configuration CONF = new Configuration();
  private static final Tokenizer BYTES = new ByteTokenizer();

  @Test
  void read_concatenatesFilesByNameAndHoldsOutTheTail(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("b.txt"), "klmnopqrst");
    Files.writeString(dir.resolve("a.txt"), "abcdefghij");
    Files.writeString(dir.resolve(".hidden"), "zzzz");
    TextCorpus corpus = TextCorpus.read(dir.toUri().toString(), 0.25, BYTES, CONF);
    assertArrayEquals("abcdefghijklmno".chars().toArray(), corpus.trainTokens().toArray());
    assertArrayEquals("pqrst".chars().toArray(), corpus.validationTokens().toArray());
    assertEquals(15, corpus.trainSize());
    assertEquals(5, corpus.validationSize());
  }

  @Test
  void read_rejectsInvalidUtf8NamingFileAndOffset(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("good.txt"), "fine text, ünïcode ok");
    Files.write(dir.resolve("bad.txt"), new byte[] {'a', 'b', 'c', (byte) 0xC3, '(', 'd'});
    IOException e =
        assertThrows(
            IOException.class, () -> TextCorpus.read(dir.toUri().toString(), 0.1, BYTES, CONF));
    assertTrue(e.getMessage().contains("bad.txt"), e.getMessage());
    assertTrue(e.getMessage().contains("byte offset 3"), e.getMessage());
  }

  @Test
  void read_missingPathIsNamed(@TempDir Path dir) {
    String missing = dir.resolve("nope.txt").toUri().toString();
    IOException e =
        assertThrows(IOException.class, () -> TextCorpus.read(missing, 0.1, BYTES, CONF));
    assertTrue(e.getMessage().contains(missing), e.getMessage());
  }

  @Test
  void forTrial_tooSmallCorpusIsNamed(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("tiny.txt");
    Files.writeString(file, "x".repeat(100));
    String uri = file.toUri().toString();
    IOException e =
        assertThrows(
            IOException.class, () -> TrialData.forTrial(TestTrials.text(uri, 32, 2, 64), CONF));
    assertTrue(
        e.getMessage().contains(uri) && e.getMessage().contains("too small"), e.getMessage());
  }
}
