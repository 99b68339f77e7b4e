package dev.scaling.worker.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class Gpt2TokenizerTest {
  private final Tokenizer gpt2 = Tokenizers.named("gpt2");

  @Test
  void encode_givesGpt2sIdsOnAKnownSentence() {
    // GPT-2's own ids for this sentence (OpenAI's encoder.json / tiktoken r50k_base).
    assertArrayEquals(
        new int[] {464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13},
        gpt2.encode("The quick brown fox jumps over the lazy dog."));
    assertArrayEquals(new int[] {15496, 11, 995, 0}, gpt2.encode("Hello, world!"));
    assertEquals(50257, gpt2.vocabSize());
  }

  @Test
  void decode_invertsEncodeAndTokenBytesCountUtf8() {
    String text = "Naïve café — «quoted» 🙂 tabs\tand\nnewlines  ";
    assertEquals(text, gpt2.decode(gpt2.encode(text)));
    int[] lengths = gpt2.tokenBytes();
    assertEquals(3, lengths[464]); // "The"
    assertEquals(6, lengths[2068]); // " quick"
    assertEquals(0, lengths[50256]); // <|endoftext|> stands for no text
    long bytes = 0;
    for (int id : gpt2.encode(text)) {
      bytes += lengths[id];
    }
    assertEquals(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, bytes);
  }
}
