package dev.scaling.common.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class QuantilesTest {
  @Test
  void median_isTheMiddleValueOrTheMeanOfTheMiddleTwo() {
    assertEquals(2.0, Quantiles.median(new double[] {3, 1, 2}));
    assertEquals(2.5, Quantiles.median(new double[] {4, 1, 2, 3}));
    assertEquals(7.0, Quantiles.median(new double[] {7}));
  }

  @Test
  void median_leavesItsInputInPlace() {
    double[] v = {3, 1, 2};
    Quantiles.median(v);
    assertArrayEquals(new double[] {3, 1, 2}, v);
  }

  @Test
  void quantile_interpolatesLinearlyBetweenOrderStatistics() {
    // Type 7 on 10, 20, 30, 40, 50: h = 4q, so q = 0.1 lies 0.4 of the way from 10 to 20.
    double[] s = {10, 20, 30, 40, 50};
    assertEquals(10.0, Quantiles.quantile(s, 0));
    assertEquals(14.0, Quantiles.quantile(s, 0.1), 1e-12);
    assertEquals(47.0, Quantiles.quantile(s, 0.925), 1e-12);
    assertEquals(50.0, Quantiles.quantile(s, 1));
  }

  @Test
  void quantile_rejectsNoValuesAndProbabilitiesOutsideTheUnitInterval() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Quantiles.median(new double[0]));
    assertEquals(
        "quantile needs values and q in [0, 1], found 0 values and q = 0.5", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Quantiles.quantile(new double[] {1}, 1.5));
  }
}
