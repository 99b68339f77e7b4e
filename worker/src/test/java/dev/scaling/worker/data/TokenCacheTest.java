package dev.scaling.worker.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.DataSpec;
import dev.scaling.worker.TestTrials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCacheTest {
  private static final Configuration CONF = new Configuration();

  /** The text trial's data (bytes tokenizer, validation fraction 0.25) over {@code corpus}. */
  static DataSpec data(Path corpus) {
    return TestTrials.text(corpus.toUri().toString(), 32, 2, 64).data();
  }

  @Test
  void sha_isTheFirst16HexDigitsOfSha256() {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad (FIPS
    // 180-2)
    assertEquals("ba7816bf8f01cfea", TokenCache.sha("abc"));
  }

  @Test
  void groups_splitsFilesIntoContiguousGroupsOfAboutEqualCount() {
    List<String> files = List.of("a", "b", "c", "d", "e");
    assertEquals(List.of(List.of("a", "b"), List.of("c", "d", "e")), TokenCache.groups(files, 2));
    assertEquals(
        List.of(List.of("a"), List.of("b"), List.of("c"), List.of("d"), List.of("e")),
        TokenCache.groups(files, 9));
    assertEquals(List.of(files), TokenCache.groups(files, 1));
  }

  @Test
  void locate_liesBesideTheCorpusAndChangesWithAFilesLength(@TempDir Path dir) throws Exception {
    Path corpus = Files.createDirectory(dir.resolve("corpus"));
    Files.writeString(corpus.resolve("b.txt"), "second");
    Files.writeString(corpus.resolve("a.txt"), "first");
    TokenCache.Location before = TokenCache.locate(data(corpus), CONF);
    assertTrue(
        before.folder().startsWith(corpus.toUri().toString().replaceAll("/$", "") + "/_tokens/"),
        before.folder());
    assertEquals(
        List.of("a.txt", "b.txt"),
        before.files().stream().map(f -> f.substring(f.lastIndexOf('/') + 1)).toList());
    assertFalse(before.single());
    assertEquals(before, TokenCache.locate(data(corpus), CONF));
    Files.writeString(corpus.resolve("b.txt"), "second, longer");
    assertNotEquals(before.folder(), TokenCache.locate(data(corpus), CONF).folder());
  }

  @Test
  void ensure_writesAnIndexCountingEachSplitsBytesAndDocuments(@TempDir Path dir) throws Exception {
    Path corpus = Files.createDirectory(dir.resolve("corpus"));
    long trainBytes = 0;
    long heldBytes = 0;
    int heldDocs = 0;
    int docs = 12;
    for (int i = 0; i < docs; i++) {
      String text = "document number " + i + " of the corpus, ";
      Files.writeString(corpus.resolve(String.format("d%02d.txt", i)), text);
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      CRC32C crc = new CRC32C();
      crc.update(utf8);
      // Held out when the CRC-32C, as a fraction of 2^32, is below the validation fraction 0.25.
      if (crc.getValue() < 0.25 * 4294967296.0) {
        heldBytes += utf8.length;
        heldDocs++;
      } else {
        trainBytes += utf8.length;
      }
    }
    assertTrue(heldDocs > 0 && heldDocs < docs, "the corpus needs both splits: " + heldDocs);
    DataSpec data = data(corpus);
    TokenCache.Location location = TokenCache.locate(data, CONF);

    assertFalse(TokenCache.complete(location, CONF));
    assertFalse(TokenCache.ensure(data, location, CONF), "built now");
    assertTrue(TokenCache.complete(location, CONF));
    assertTrue(TokenCache.ensure(data, location, CONF), "complete already");

    Properties index = TokenCache.readIndex(location, CONF);
    assertEquals("1", index.getProperty("parts"));
    long[] train = TokenCache.sizes(index, "train");
    long[] held = TokenCache.sizes(index, "validation");
    assertEquals(trainBytes, train[1]);
    assertEquals(docs - heldDocs, train[2]);
    assertEquals(heldBytes, held[1]);
    assertEquals(heldDocs, held[2]);
    // One byte token per byte.
    assertEquals(trainBytes, train[0]);
    assertEquals(heldBytes, held[0]);
  }
}
