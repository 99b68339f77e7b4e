package dev.scaling.worker.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scaling.common.spec.InvariantViolation;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokensTest {

  @Test
  void concat_keepsOrderAcrossByteAndWideParts() {
    Tokens small = Tokens.ofUnsignedBytes(new byte[] {1, (byte) 200});
    Tokens wide = Tokens.of(new int[] {300, 7, 50_000}, 50_257);
    assertArrayEquals(
        new int[] {1, 200, 300, 7, 50_000, 1, 200},
        Tokens.concat(List.of(small, wide, small)).toArray());
    assertArrayEquals(new int[] {1, 200, 1, 200}, Tokens.concat(List.of(small, small)).toArray());
  }

  @Test
  void copyWindow_labelsAreTheInputsShiftedByOne() {
    for (Tokens tokens :
        List.of(
            Tokens.of(new int[] {9, 8, 7, 6, 5}, 256),
            Tokens.of(new int[] {9, 8, 7, 6, 5}, 1000))) {
      long[] inputs = new long[6];
      long[] labels = new long[6];
      tokens.copyWindow(1, 3, 1, inputs, labels);
      assertArrayEquals(new long[] {0, 0, 0, 8, 7, 6}, inputs);
      assertArrayEquals(new long[] {0, 0, 0, 7, 6, 5}, labels);
    }
  }

  @Test
  void of_rejectsIdsOutsideTheVocabulary() {
    assertThrows(InvariantViolation.class, () -> Tokens.of(new int[] {3, 16}, 16));
  }
}
