package dev.scaling.common.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The grid's batch-size axis as a record: its rules, its size, and the convenience constructor. */
class GridSpecTest {
  static final List<Integer> WIDTHS = List.of(16, 32, 64);
  static final List<Integer> DEPTHS = List.of(1, 2);
  static final List<Long> TOKENS = List.of(8192L, 16384L);
  static final List<Double> RATES = List.of(1e-3, 2e-3, 4e-3);
  static final List<Integer> SEEDS = List.of(0, 1);

  static GridSpec grid(List<Integer> batchSizes) {
    return new GridSpec(WIDTHS, DEPTHS, TOKENS, RATES, batchSizes, SEEDS, null);
  }

  @Test
  void size_multipliesByTheBatchSizes() {
    List<Integer> sizes = List.of(4, 8, 16, 32);
    long product =
        (long) WIDTHS.size()
            * DEPTHS.size()
            * TOKENS.size()
            * RATES.size()
            * sizes.size()
            * SEEDS.size();
    assertEquals(product, grid(sizes).size());
    assertEquals(product / sizes.size(), grid(List.of()).size(), "no axis: one batch size");
  }

  @Test
  void size_ofAnIsoflopGridMultipliesByTheBatchSizes() {
    IsoflopSpec iso = new IsoflopSpec(List.of(1e12, 1e13), 5, 10.0, 20.0);
    GridSpec g = new GridSpec(WIDTHS, DEPTHS, null, List.of(), List.of(8, 16, 32), SEEDS, iso);
    assertEquals(2L * 5 * 3 * SEEDS.size(), g.size());
  }

  @Test
  void positionalConstructorWithoutBatchSizesHasNoAxis() {
    GridSpec g = new GridSpec(WIDTHS, DEPTHS, TOKENS, RATES, SEEDS, null);
    assertEquals(List.of(), g.batchSize());
    assertFalse(g.hasBatchAxis());
    assertEquals(List.of(12), g.batchSizes(12), "the single training.batch_size");
    assertEquals(12, g.largestBatchSize(12));
    assertEquals(g, grid(null), "null and empty are both no axis");
  }

  @Test
  void batchSizes_areTheAxisInGridOrder() {
    GridSpec g = grid(List.of(16, 4, 64, 8));
    assertTrue(g.hasBatchAxis());
    assertEquals(List.of(16, 4, 64, 8), g.batchSizes(12), "the axis, not training.batch_size");
    assertEquals(64, g.largestBatchSize(12));
    assertEquals(g, grid(List.of()).withBatchSize(List.of(16, 4, 64, 8)));
  }

  @Test
  void rejectsANonPositiveBatchSizeNamingItsIndex() {
    SpecException e = assertThrows(SpecException.class, () -> grid(List.of(8, 16, 0)));
    assertEquals("grid.batch_size[2]", e.field());
    assertEquals("grid.batch_size[2] must be positive, found 0", e.getMessage());
    e = assertThrows(SpecException.class, () -> grid(List.of(-4)));
    assertEquals("grid.batch_size[0] must be positive, found -4", e.getMessage());
  }

  @Test
  void rejectsARepeatedBatchSizeNamingItsIndex() {
    SpecException e = assertThrows(SpecException.class, () -> grid(List.of(8, 16, 8)));
    assertEquals(
        "grid.batch_size[2] must be distinct from earlier values, found 8", e.getMessage());
  }

  @Test
  void rejectsAMissingBatchSizeNamingItsIndex() {
    SpecException e = assertThrows(SpecException.class, () -> grid(Arrays.asList(8, null)));
    assertEquals("grid.batch_size[1] must be a number, found nothing (missing)", e.getMessage());
  }
}
