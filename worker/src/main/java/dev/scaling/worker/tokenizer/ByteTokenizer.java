package dev.scaling.worker.tokenizer;

import dev.scaling.common.spec.InvariantViolation;
import java.nio.charset.StandardCharsets;

/**
 * One token per byte of the UTF-8 encoding (vocabulary 256): no merges, no files, no unknown
 * tokens.
 */
public final class ByteTokenizer implements Tokenizer {

  /** Every byte value is a token. */
  public static final int VOCAB = 256;

  @Override
  public String name() {
    return "bytes";
  }

  @Override
  public int vocabSize() {
    return VOCAB;
  }

  @Override
  public int[] encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = bytes[i] & 0xFF;
    }
    return ids;
  }

  @Override
  public String decode(int[] tokens) {
    byte[] bytes = new byte[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      InvariantViolation.check(
          tokens[i] >= 0 && tokens[i] < VOCAB,
          "byte token " + tokens[i] + " at " + i + " is outside [0, 256)");
      bytes[i] = (byte) tokens[i];
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The bytes are the tokens: no copy. */
  @Override
  public Tokens encodeUtf8(byte[] utf8) {
    return Tokens.ofUnsignedBytes(utf8);
  }
}
