package dev.scaling.worker.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.SpecException;
import org.junit.jupiter.api.Test;

class ByteTokenizerTest {
  private final Tokenizer bytes = Tokenizers.named("bytes");

  @Test
  void encode_givesTheUtf8BytesAsUnsignedIds() {
    // "é" is U+00E9, two bytes 0xC3 0xA9 in UTF-8; "€" is U+20AC, three bytes 0xE2 0x82 0xAC.
    assertArrayEquals(new int[] {104, 0xC3, 0xA9, 0xE2, 0x82, 0xAC}, bytes.encode("hé€"));
    assertEquals(256, bytes.vocabSize());
    assertEquals("bytes", bytes.name());
  }

  @Test
  void decode_invertsEncodeAndRejectsIdsOutsideTheVocabulary() {
    assertEquals("naïve café", bytes.decode(bytes.encode("naïve café")));
    assertThrows(InvariantViolation.class, () -> bytes.decode(new int[] {65, 256}));
  }

  @Test
  void encodeUtf8_isTheBytesThemselves() {
    byte[] utf8 = {'a', (byte) 0xC3, (byte) 0xA9};
    Tokens tokens = bytes.encodeUtf8(utf8);
    assertArrayEquals(new int[] {'a', 0xC3, 0xA9}, tokens.toArray());
  }

  @Test
  void named_unknownTokenizerListsTheRegisteredOnes() {
    SpecException e = assertThrows(SpecException.class, () -> Tokenizers.named("spm"));
    assertEquals(
        "data.tokenizer must be one of [bytes, gpt2, bpe, hf], found \"spm\"", e.getMessage());
    assertEquals("data.tokenizer", e.field());
  }
}
