package dev.scaling.worker.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * gives back every document's bytes exactly. The corpus (about 22 MB) is {@code -Dprose.corpus=DIR}
 * or {@code PROSE_CORPUS} when set (then it must be there: the test fails otherwise), else {@code
 * data/prose} in the nearest directory above the working directory that has it; {@code ./sweep
 * test} builds that with {@code examples/get-prose-corpus.sh data/prose} and passes it explicitly.
 * Without any corpus the test is skipped with that reason, printed to stderr too.
 */
class BpeProseCorpusTest {

  @Test
  void decode_invertsEncodeOnTheWholeProseCorpus() throws IOException {
    List<Path> files = corpus();
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

  /** The corpus' documents, sorted; fails or skips (visibly) as the class comment says. */
  private static List<Path> corpus() throws IOException {
    String given = System.getProperty("prose.corpus", System.getenv("PROSE_CORPUS"));
    if (given != null && !given.isBlank()) {
      List<Path> files = documents(Path.of(given));
      assertFalse(
          files.isEmpty(),
          "prose corpus "
              + Path.of(given).toAbsolutePath()
              + " has no .txt documents: build it with examples/get-prose-corpus.sh "
              + given);
      return files;
    }
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      List<Path> files = documents(p.resolve("data/prose"));
      if (!files.isEmpty()) {
        return files;
      }
    }
    String reason =
        "no prose corpus: -Dprose.corpus is unset and no data/prose in "
            + start
            + " or above it; `./sweep test` builds it (examples/get-prose-corpus.sh data/prose):"
            + " skipped";
    System.err.println("SKIPPED " + reason);
    assumeTrue(false, reason);
    throw new AssertionError("unreachable");
  }

  /** The {@code .txt} files directly in {@code dir}, sorted; none when it is not a directory. */
  private static List<Path> documents(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    }
  }
}
