package dev.scaling.driver.io;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Lists the fields in which two specs (records, nested) differ, as {@code path: old -> new} lines, so a
 * refused resume can show the user exactly what changed.
 */
public final class SpecDiff {
  private SpecDiff() {}

  /** The differing leaf fields of two records of the same type, with dotted paths. */
  public static List<String> diff(Object before, Object after) {
    List<String> out = new ArrayList<>();
    diff("", before, after, out);
    return out;
  }

  private static void diff(String path, Object a, Object b, List<String> out) {
    if (Objects.equals(a, b)) {
      return;
    }
    if (a != null && b != null && a.getClass().isRecord() && a.getClass() == b.getClass()) {
      for (RecordComponent c : a.getClass().getRecordComponents()) {
        try {
          diff(path.isEmpty() ? snake(c.getName()) : path + "." + snake(c.getName()), c.getAccessor().invoke(a), c.getAccessor().invoke(b), out);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read record component " + c.getName(), e);
        }
      }
      return;
    }
    out.add(path + ": " + a + " -> " + b);
  }

  /** camelCase to the spec's snake_case. */
  static String snake(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }
}
