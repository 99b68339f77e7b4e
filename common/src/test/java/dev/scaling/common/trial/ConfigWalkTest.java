package dev.scaling.common.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.InvariantViolation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigWalkTest {
  sealed interface Shape permits Circle, Disc {}

  record Circle(double size) implements Shape {}

  record Disc(double size) implements Shape {}

  record Inner(String label, List<Integer> values) {}

  record Outer(long seedValue, Inner inner, Shape shape, Map<String, Double> extras) {}

  static Outer outer(String label, List<Integer> values, Shape shape, Map<String, Double> extras) {
    return new Outer(7, new Inner(label, values), shape, extras);
  }

  @Test
  void canonical_namesEveryLeafInDeclarationOrder() {
    Map<String, Double> extras = new LinkedHashMap<>();
    extras.put("b", 2.0);
    extras.put("a", 1.0);
    assertEquals(
        """
        seed_value=7
        inner.label="x"
        inner.values[0]=3
        inner.values[1]=4
        shape#type="Circle"
        shape.size=0.5
        extras["b"]=2.0
        extras["a"]=1.0
        """,
        ConfigWalk.canonical(outer("x", List.of(3, 4), new Circle(0.5), extras)));
  }

  @Test
  void canonical_tellsApartWhatFlatTextCouldConfuse() {
    Map<String, Double> none = Map.of();
    // Two implementations with equal fields.
    assertNotEquals(
        ConfigWalk.canonical(outer("x", List.of(1), new Circle(1), none)),
        ConfigWalk.canonical(outer("x", List.of(1), new Disc(1), none)));
    // An empty list and a null list.
    assertNotEquals(
        ConfigWalk.canonical(outer("x", List.of(), new Circle(1), none)),
        ConfigWalk.canonical(outer("x", null, new Circle(1), none)));
    // The string "null" and null; a separator inside a string.
    assertNotEquals(
        ConfigWalk.canonical(outer("null", List.of(1), new Circle(1), none)),
        ConfigWalk.canonical(outer(null, List.of(1), new Circle(1), none)));
    assertTrue(
        ConfigWalk.canonical(outer("a\"\nb=c", List.of(1), new Circle(1), none))
            .contains("inner.label=\"a\\\"\\nb=c\"\n"));
  }

  record Odd(Object thing) {}

  @Test
  void walk_refusesAValueWithoutACanonicalForm() {
    InvariantViolation e =
        assertThrows(InvariantViolation.class, () -> ConfigWalk.canonical(new Odd(new Object())));
    assertTrue(e.getMessage().contains("java.lang.Object at thing"), e.getMessage());
  }
}
