package dev.scaling.worker.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BpeTokenizerTest {
  private static final BpeTokenizer UNTRAINED = (BpeTokenizer) Tokenizers.named("bpe");

  static final String PROSE =
      """
      It is a truth universally acknowledged, that a single man in possession of a good fortune,
      must be in want of a wife. However little known the feelings or views of such a man may be on
      his first entering a neighbourhood, this truth is so well fixed in the minds of the surrounding
      families, that he is considered the rightful property of some one or other of their daughters.
      "My dear Mr. Bennet," said his lady to him one day, "have you heard that Netherfield Park is
      let at last?" Mr. Bennet replied that he had not. 1813, 2024; naïve café — ünïcödé 🙂.
      """;

  private static BpeTokenizer trained(Map<String, Long> counts, int vocab) throws IOException {
    return BpeTokenizer.parse(UNTRAINED.train(counts, vocab), vocab, "test");
  }

  @Test
  void train_mergesTheMostFrequentPairFirstOnAHandComputedCase() throws IOException {
    // Pairs: (a,b) 5 + 3 = 8, (b,c) 3 + 1 = 4. After a+b -> 256: (256,c) 3, (b,c) 1.
    Map<String, Long> counts = Map.of("ab", 5L, "abc", 3L, "bc", 1L);
    BpeTokenizer bpe = trained(counts, 258);
    assertEquals(2, bpe.merges());
    assertEquals(BpeTokenizer.HEADER + "\n97 98\n256 99\n", UNTRAINED.train(counts, 258));
    assertArrayEquals(new int[] {257}, bpe.encode("abc"));
    assertArrayEquals(new int[] {256, 256}, bpe.encode("abab"));
    assertArrayEquals(new int[] {98, 99}, bpe.encode("bc"));
  }

  @Test
  void train_isDeterministicWhateverOrderTheCountsComeIn() {
    Map<String, Long> counts = new LinkedHashMap<>();
    UNTRAINED.countWords(PROSE.repeat(3), counts);
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
    Collections.shuffle(entries, new Random(1));
    Map<String, Long> shuffled = new LinkedHashMap<>();
    entries.forEach(e -> shuffled.put(e.getKey(), e.getValue()));
    String once = UNTRAINED.train(counts, 400);
    assertEquals(once, UNTRAINED.train(shuffled, 400));
    assertEquals(once, UNTRAINED.train(new java.util.HashMap<>(counts), 400));
    assertTrue(once.lines().count() > 100, "merges: " + once.lines().count());
  }

  @Test
  void decode_invertsEncodeExactlyAndCompresses() throws IOException {
    Map<String, Long> counts = new LinkedHashMap<>();
    UNTRAINED.countWords(PROSE, counts);
    BpeTokenizer bpe = trained(counts, 512);
    for (String text :
        List.of(
            PROSE,
            "unseen wörds, \t\ttabs,\r\n\u0000 control and 𝄞 astral 🙂🙂",
            "",
            " ",
            "'s 've 'll")) {
      int[] ids = bpe.encode(text);
      assertEquals(text, bpe.decode(ids));
      assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), bpe.decodeBytes(ids));
      long bytes = 0;
      int[] lengths = bpe.tokenBytes();
      for (int id : ids) {
        assertTrue(id >= 0 && id < 512);
        bytes += lengths[id];
      }
      assertEquals(text.getBytes(StandardCharsets.UTF_8).length, bytes);
    }
    int bytes = PROSE.getBytes(StandardCharsets.UTF_8).length;
    int tokens = bpe.encode(PROSE).length;
    assertTrue(tokens < bytes / 2, tokens + " tokens for " + bytes + " bytes");
  }
}
