package dev.scaling.worker.tokenizer;

import dev.scaling.common.spec.InvariantViolation;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable sequence of token ids, one byte per token when the vocabulary fits in 256 (a byte
 * corpus costs no more memory than its file) and four bytes otherwise.
 */
public final class Tokens {
  private final byte[] bytes;
  private final int[] ids;

  private Tokens(byte[] bytes, int[] ids) {
    this.bytes = bytes;
    this.ids = ids;
  }

  /** Tokens that are the unsigned values of {@code bytes}; the array is kept, not copied. */
  public static Tokens ofUnsignedBytes(byte[] bytes) {
    return new Tokens(bytes, null);
  }

  /**
   * Tokens with the given ids, stored as bytes when {@code vocab <= 256}.
   *
   * @param ids token ids, each in {@code [0, vocab)}
   * @param vocab the tokenizer's vocabulary size
   */
  public static Tokens of(int[] ids, int vocab) {
    for (int i = 0; i < ids.length; i++) {
      InvariantViolation.check(
          ids[i] >= 0 && ids[i] < vocab,
          "token " + ids[i] + " at " + i + " is outside [0, " + vocab + ")");
    }
    if (vocab > 256) {
      return new Tokens(null, ids);
    }
    byte[] packed = new byte[ids.length];
    for (int i = 0; i < ids.length; i++) {
      packed[i] = (byte) ids[i];
    }
    return new Tokens(packed, null);
  }

  /** The parts one after the other (byte-backed when every part is). */
  public static Tokens concat(List<Tokens> parts) {
    long total = 0;
    boolean allBytes = true;
    for (Tokens part : parts) {
      total += part.length();
      allBytes &= part.bytes != null;
    }
    InvariantViolation.check(
        total <= Integer.MAX_VALUE - 16, "cannot hold " + total + " tokens in one array");
    if (parts.size() == 1) {
      return parts.get(0);
    }
    int at = 0;
    if (allBytes) {
      byte[] out = new byte[(int) total];
      for (Tokens part : parts) {
        System.arraycopy(part.bytes, 0, out, at, part.bytes.length);
        at += part.bytes.length;
      }
      return new Tokens(out, null);
    }
    int[] out = new int[(int) total];
    for (Tokens part : parts) {
      for (int i = 0; i < part.length(); i++) {
        out[at++] = part.at(i);
      }
    }
    return new Tokens(null, out);
  }

  /** Number of tokens. */
  public int length() {
    return bytes != null ? bytes.length : ids.length;
  }

  /** The id of token {@code i}. */
  public int at(int i) {
    return bytes != null ? bytes[i] & 0xFF : ids[i];
  }

  /** Tokens {@code from .. to - 1}, copied. */
  public Tokens slice(int from, int to) {
    return bytes != null
        ? new Tokens(Arrays.copyOfRange(bytes, from, to), null)
        : new Tokens(null, Arrays.copyOfRange(ids, from, to));
  }

  /** Every id, copied into a new array. */
  public int[] toArray() {
    int[] out = new int[length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = at(i);
    }
    return out;
  }

  /**
   * Writes the window at {@code offset} into row {@code row}: inputs are tokens {@code offset ..
   * offset + context - 1}, labels the {@code context} tokens one further on.
   *
   * @param inputs rows x context, row-major
   * @param labels rows x context, row-major
   */
  public void copyWindow(int offset, int context, int row, long[] inputs, long[] labels) {
    int base = row * context;
    if (bytes != null) {
      for (int i = 0; i < context; i++) {
        inputs[base + i] = bytes[offset + i] & 0xFF;
        labels[base + i] = bytes[offset + i + 1] & 0xFF;
      }
    } else {
      for (int i = 0; i < context; i++) {
        inputs[base + i] = ids[offset + i];
        labels[base + i] = ids[offset + i + 1];
      }
    }
  }
}
