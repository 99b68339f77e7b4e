package dev.scaling.worker.data;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.worker.TestTrials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusTest {
  private static final Configuration CONF = new Configuration();

  @Test
  void files_listsAFoldersVisibleFilesByName(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("b.txt"), "klmnopqrst");
    Files.writeString(dir.resolve("a.txt"), "abcdefghij");
    Files.writeString(dir.resolve(".hidden"), "zzzz");
    Files.writeString(dir.resolve("_SUCCESS"), "");
    Files.createDirectory(dir.resolve("sub"));
    List<FileStatus> files = TextCorpus.files(dir.toUri().toString(), CONF);
    assertEquals(
        List.of("a.txt", "b.txt"), files.stream().map(f -> f.getPath().getName()).toList());
  }

  @Test
  void files_aFileIsTheWholeCorpus(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("one.txt");
    Files.writeString(file, "abc");
    List<FileStatus> files = TextCorpus.files(file.toUri().toString(), CONF);
    assertEquals(1, files.size());
    assertEquals(3, files.get(0).getLen());
  }

  @Test
  void files_missingPathIsNamed(@TempDir Path dir) {
    String missing = dir.resolve("nope.txt").toUri().toString();
    IOException e = assertThrows(IOException.class, () -> TextCorpus.files(missing, CONF));
    assertTrue(e.getMessage().contains(missing), e.getMessage());
  }

  @Test
  void files_aFolderWithoutVisibleFilesIsNamed(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve(".hidden"), "zzzz");
    String uri = dir.toUri().toString();
    IOException e = assertThrows(IOException.class, () -> TextCorpus.files(uri, CONF));
    assertTrue(e.getMessage().contains("holds no files"), e.getMessage());
  }

  @Test
  void checkUtf8_namesTheSourceAndTheOffsetOfTheBadByte() {
    byte[] bad = {'a', 'b', 'c', (byte) 0xC3, '(', 'd'};
    IOException e =
        assertThrows(
            IOException.class,
            () -> TextCorpus.checkUtf8(new ByteArrayInputStream(bad), "bad.txt"));
    assertEquals("bad.txt is not valid UTF-8: bad byte sequence at byte offset 3", e.getMessage());
  }

  @Test
  void checkUtf8_acceptsACharacterCutByTheChunkBoundary() {
    // 65535 ASCII bytes, then a 2-byte character whose bytes straddle the 64 KiB chunk's end.
    byte[] text = new byte[65537];
    Arrays.fill(text, (byte) 'a');
    text[65535] = (byte) 0xC3;
    text[65536] = (byte) 0xBC; // ü
    assertDoesNotThrow(() -> TextCorpus.checkUtf8(new ByteArrayInputStream(text), "edge.txt"));
  }

  @Test
  void checkUtf8_countsTheOffsetAcrossChunks() {
    byte[] text = new byte[200_000];
    Arrays.fill(text, (byte) 'a');
    text[150_001] = (byte) 0xFF; // never valid in UTF-8
    IOException e =
        assertThrows(
            IOException.class,
            () -> TextCorpus.checkUtf8(new ByteArrayInputStream(text), "long.txt"));
    assertTrue(e.getMessage().endsWith("byte offset 150001"), e.getMessage());
  }

  @Test
  void checkUtf8_rejectsASequenceCutByTheEnd() {
    byte[] cut = {'a', (byte) 0xE2, (byte) 0x82}; // the first two of the three bytes of €
    IOException e =
        assertThrows(
            IOException.class, () -> TextCorpus.checkUtf8(new ByteArrayInputStream(cut), "cut"));
    assertTrue(e.getMessage().startsWith("cut is not valid UTF-8"), e.getMessage());
  }

  @Test
  void checkUtf8_feedsEveryByteToTheChecksum() throws IOException {
    byte[] text = new byte[150_000];
    for (int i = 0; i < text.length; i++) {
      text[i] = (byte) ('a' + i % 26);
    }
    CRC32C fed = new CRC32C();
    TextCorpus.checkUtf8(new ByteArrayInputStream(text), "t", fed);
    CRC32C whole = new CRC32C();
    whole.update(text);
    assertEquals(whole.getValue(), fed.getValue());
  }

  @Test
  void heldOut_comparesTheDocumentsCrc32cWithTheFraction() {
    // The CRC-32C check value: CRC-32C("123456789") = 0xE3069283 = 3808858755, 0.88683 of 2^32.
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertTrue(Documents.heldOut(check, 0.887));
    assertFalse(Documents.heldOut(check, 0.886));
  }

  @Test
  void checkSplits_namesThePathAndBothSplits() {
    IOException e =
        assertThrows(
            IOException.class, () -> TextCorpus.checkSplits("file:/c.txt", 64, 1000, 64, "bytes"));
    assertEquals(
        "text corpus file:/c.txt is too small for context 64: its training split has 1000 bytes"
            + " and its held-out split 64, each needs at least 65",
        e.getMessage());
    assertDoesNotThrow(() -> TextCorpus.checkSplits("file:/c.txt", 64, 65, 65, "bytes"));
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
