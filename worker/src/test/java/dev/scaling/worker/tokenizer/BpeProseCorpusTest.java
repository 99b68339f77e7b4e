package dev.scaling.worker.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * BPE on the real prose corpus: trains a 4096-token BPE on every document and checks that decoding
 * gives back every document's bytes exactly. Needs the corpus (about 22 MB): run {@code
 * examples/get-prose-corpus.sh DIR} and pass {@code -Dprose.corpus=DIR}.
 */
class BpeProseCorpusTest {

  @Test
  void decode_invertsEncodeOnTheWholeProseCorpus() throws IOException {
    String dir = System.getProperty("prose.corpus", System.getenv("PROSE_CORPUS"));
    assumeTrue(
        dir != null && Files.isDirectory(Path.of(dir)),
        "no prose corpus: build it with examples/get-prose-corpus.sh DIR and pass -Dprose.corpus=DIR");
    List<Path> files;
    try (var s = Files.list(Path.of(dir))) {
      files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    }
    BpeTokenizer untrained = new BpeTokenizer();
    Map<String, Long> counts = new HashMap<>();
    long t0 = System.nanoTime();
    for (Path f : files) {
      untrained.countWords(Files.readString(f), counts);
    }
    String merges = untrained.train(counts, 4096);
    long t1 = System.nanoTime();
    BpeTokenizer bpe = BpeTokenizer.parse(merges, 4096, "prose");
    assertEquals(4096 - 256, bpe.merges());
    long bytes = 0;
    long tokens = 0;
    for (Path f : files) {
      byte[] utf8 = Files.readAllBytes(f);
      int[] ids = bpe.encode(new String(utf8, StandardCharsets.UTF_8));
      assertArrayEquals(utf8, bpe.decodeBytes(ids), f.toString());
      bytes += utf8.length;
      tokens += ids.length;
    }
    long t2 = System.nanoTime();
    System.out.printf(
        "prose corpus: %d files, %d bytes, %d tokens (%.2f bytes/token); trained in %.1f s,"
            + " encoded and decoded in %.1f s (%.1f MB/s)%n",
        files.size(),
        bytes,
        tokens,
        (double) bytes / tokens,
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9,
        bytes / 1e6 / ((t2 - t1) / 1e9));
  }
}
