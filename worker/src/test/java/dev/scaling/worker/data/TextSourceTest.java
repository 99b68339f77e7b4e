package dev.scaling.worker.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.Trial;
import dev.scaling.worker.TestTrials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text source through the data-source API: preflight in bounded memory, and the windows it
 * cuts.
 */
class TextSourceTest {
  private static final Configuration CONF = new Configuration();
  private static final int CONTEXT = 16;

  /** The data spec of a text trial over {@code uri} (validation fraction 0.25, eval tokens 256). */
  private static DataSummary preflight(String uri) {
    return DataSources.preflight(TestTrials.text(uri, CONTEXT, 4, 64).data(), CONTEXT, CONF);
  }

  @Test
  void preflight_rejectsAMissingPathNamingIt(@TempDir Path dir) {
    String missing = dir.resolve("absent").toUri().toString();
    SpecException e = assertThrows(SpecException.class, () -> preflight(missing));
    assertEquals("data.path", e.field());
    assertEquals("data.path: text corpus " + missing + " does not exist", e.getMessage());
  }

  @Test
  void preflight_rejectsInvalidUtf8NamingFileAndByteOffset(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.txt"), "fine text, ünïcode ok. ".repeat(20));
    // Beyond the 64 KiB read chunk: a valid two-byte "é" cut by the chunk boundary must pass,
    // and the lone continuation byte at 100000 must be reported at its own offset.
    byte[] bytes = new byte[120_000];
    Arrays.fill(bytes, (byte) 'x');
    bytes[65_535] = (byte) 0xC3;
    bytes[65_536] = (byte) 0xA9;
    bytes[100_000] = (byte) 0x80;
    Path bad = Files.write(dir.resolve("b.txt"), bytes);
    SpecException e = assertThrows(SpecException.class, () -> preflight(dir.toUri().toString()));
    assertEquals("data.path", e.field());
    assertTrue(e.getMessage().contains(bad.getFileName().toString()), e.getMessage());
    assertTrue(
        e.getMessage().endsWith("is not valid UTF-8: bad byte sequence at byte offset 100000"),
        e.getMessage());

    bytes[100_000] = 'x';
    Files.write(bad, bytes);
    Files.writeString(dir.resolve("c.txt"), document("held out", 20, true));
    assertEquals(3, preflight(dir.toUri().toString()).files(), "the cut sequence alone is valid");
  }

  @Test
  void preflight_rejectsASequenceCutByTheEndOfTheFile(@TempDir Path dir) throws IOException {
    byte[] text = "x".repeat(200).getBytes(StandardCharsets.UTF_8);
    byte[] bytes = Arrays.copyOf(text, text.length + 2);
    bytes[200] = (byte) 0xE2; // the first two of the three bytes of "€"
    bytes[201] = (byte) 0x82;
    Path file = Files.write(dir.resolve("cut.txt"), bytes);
    SpecException e = assertThrows(SpecException.class, () -> preflight(file.toUri().toString()));
    assertTrue(
        e.getMessage().contains("cut.txt is not valid UTF-8: bad byte sequence at byte offset 200"),
        e.getMessage());
  }

  @Test
  void preflight_rejectsACorpusTooSmallForOneWindowPerSplit(@TempDir Path dir) throws IOException {
    // 64 bytes with a quarter held out: 48 train and 16 held out, one short of a window (context +
    // 1 = 17).
    Path file = Files.writeString(dir.resolve("tiny.txt"), "y".repeat(64));
    SpecException e = assertThrows(SpecException.class, () -> preflight(file.toUri().toString()));
    assertEquals(
        "data.path: text corpus "
            + file.toUri()
            + " is too small for context 16: its training split has 48 bytes"
            + " and its held-out split 16, each needs at least 17",
        e.getMessage());
    // 68 bytes: 17 held out, exactly one window.
    Files.writeString(file, "y".repeat(68));
    assertEquals(68, preflight(file.toUri().toString()).bytes());
  }

  /** Whether the test itself, by the JDK's CRC-32C, holds {@code text} out at 0.25. */
  static boolean heldOut(String text) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(text.getBytes(StandardCharsets.UTF_8));
    return crc.getValue() < 0.25 * 4294967296.0;
  }

  /** The first of {@code "<stem> k. "} repeated {@code times}, k = 0, 1, ... held out or not. */
  static String document(String stem, int times, boolean held) {
    for (int k = 0; ; k++) {
      String text = (stem + " " + k + ". ").repeat(times);
      if (heldOut(text) == held) {
        return text;
      }
    }
  }

  @Test
  void preflight_acceptsAFolderSummingItsFiles(@TempDir Path dir) throws IOException {
    String a = document("naïve café", 10, false);
    String b = document("plain", 20, true);
    Files.writeString(dir.resolve("a.txt"), a);
    Files.writeString(dir.resolve("b.txt"), b);
    Files.write(dir.resolve(".hidden"), new byte[] {(byte) 0xFF});
    Files.write(dir.resolve("_SUCCESS"), new byte[] {(byte) 0xFF});
    long bytes =
        a.getBytes(StandardCharsets.UTF_8).length + b.getBytes(StandardCharsets.UTF_8).length;
    assertEquals(new DataSummary("text", 256, 2, bytes), preflight(dir.toUri().toString()));
  }

  @Test
  void preflight_rejectsAFolderWithNoHeldOutDocument(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.txt"), document("only training", 20, false));
    SpecException e = assertThrows(SpecException.class, () -> preflight(dir.toUri().toString()));
    assertTrue(e.getMessage().contains("holds no held-out document"), e.getMessage());
  }

  @Test
  void forTrial_readsAFolderAsTheSpecDefinesTheWindows(@TempDir Path dir) throws IOException {
    // Documents are whole files in name order; a file is held out by its CRC-32C.
    String a = document("It was the best of times, it was the worst of times;", 6, false);
    String b = document("ça va? très bien, merci.", 8, true);
    String c = document("Call me Ishmael.", 9, false);
    String d = document("The quick brown fox.", 7, true);
    Files.writeString(dir.resolve("d.txt"), d);
    Files.writeString(dir.resolve("b.txt"), b);
    Files.writeString(dir.resolve("a.txt"), a);
    Files.writeString(dir.resolve("c.txt"), c);
    byte[] train = (a + c).getBytes(StandardCharsets.UTF_8);
    byte[] validation = (b + d).getBytes(StandardCharsets.UTF_8);

    int batch = 4;
    Trial trial = TestTrials.text(dir.toUri().toString(), CONTEXT, batch, 16L * batch * CONTEXT);
    TrialData data = TrialData.forTrial(trial, CONF);
    assertNull(data.entropyFloor());
    assertEquals(256, data.vocab());

    // Training window i starts at the i-th draw of nextInt(train - context) from the data seed.
    SplittableRandom draws = new SplittableRandom(trial.dataSeed());
    long[] inputs = new long[batch * CONTEXT];
    long[] labels = new long[batch * CONTEXT];
    long[][] third = null;
    for (int step = 0; step < 3; step++) {
      data.nextTrainBatch(inputs, labels);
      for (int row = 0; row < batch; row++) {
        assertWindow(train, draws.nextInt(train.length - CONTEXT), row, inputs, labels);
      }
      third = new long[][] {inputs.clone(), labels.clone()};
    }
    assertEquals(3L * batch, data.trainWindowsServed());

    TrialData resumed = TrialData.forTrial(trial, CONF);
    resumed.skipTrainWindows(2L * batch);
    resumed.nextTrainBatch(inputs, labels);
    assertArrayEquals(third[0], inputs);
    assertArrayEquals(third[1], labels);

    // Held-out window j starts at the j-th draw of nextInt(held - context) from the eval seed.
    assertEquals(256 / CONTEXT, data.evalWindows());
    long[] evalInputs = new long[data.evalWindows() * CONTEXT];
    long[] evalLabels = new long[data.evalWindows() * CONTEXT];
    data.evalBatch(0, data.evalWindows(), evalInputs, evalLabels);
    SplittableRandom evalDraws = new SplittableRandom(trial.evalSeed());
    for (int j = 0; j < data.evalWindows(); j++) {
      assertWindow(
          validation, evalDraws.nextInt(validation.length - CONTEXT), j, evalInputs, evalLabels);
    }
  }

  /**
   * Row {@code row} holds corpus bytes {@code offset ..} as inputs and the bytes one further as
   * labels.
   */
  static void assertWindow(byte[] corpus, int offset, int row, long[] inputs, long[] labels) {
    for (int i = 0; i < CONTEXT; i++) {
      assertEquals(
          corpus[offset + i] & 0xFF, inputs[row * CONTEXT + i], "input " + i + " of row " + row);
      assertEquals(
          corpus[offset + i + 1] & 0xFF,
          labels[row * CONTEXT + i],
          "label " + i + " of row " + row);
    }
  }
}
