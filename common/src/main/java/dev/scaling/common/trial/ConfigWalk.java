package dev.scaling.common.trial;

import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.KindSettings;
import dev.scaling.common.spec.OmitWhenNull;
import dev.scaling.common.spec.RegisteredName;
import dev.scaling.common.spec.WalkForm;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Walks a configuration record into its leaves, mechanically: every record component in declaration
 * order (named in snake_case, nested records as dotted paths), list and array elements as {@code
 * path[i]}, map entries as {@code path[key]} in iteration order. A record held by a component of
 * another declared type (an interface such as a schedule) also yields a {@code path#type} leaf with
 * its class's simple name, so two implementations with equal fields differ. The trial id hashes
 * this walk and {@code SpecDiff} compares specs with it, so a field added to any record is picked
 * up by both without editing either. A null component marked {@link OmitWhenNull} yields no leaf. A
 * component holding a kind's {@link KindSettings} is walked under the key the settings name ({@link
 * KindSettings#walkKey()}), with no {@code #type} leaf. A record that is a {@link WalkForm} is
 * walked as the record it names (its legacy leaves: e.g. a data spec lists the fields it held
 * before its sources owned their settings, so ids stay as they were).
 */
public final class ConfigWalk {
  private ConfigWalk() {}

  /**
   * One leaf of the walk.
   *
   * @param path dotted path, e.g. {@code data.synthetic.vocab} or {@code grid.width[1]}
   * @param value a string, boxed primitive, enum constant, {@link RegisteredName}, {@link URI},
   *     {@link UUID} or null; an empty list or map stands for itself (so an empty collection
   *     differs from a missing one)
   */
  public record Leaf(String path, Object value) {
    /**
     * The value in the canonical text the trial id hashes: strings quoted and escaped, enums by
     * name.
     */
    public String canonicalValue() {
      if (value == null) {
        return "null";
      }
      if (value instanceof String
          || value instanceof Character
          || value instanceof URI
          || value instanceof UUID) {
        return quote(value.toString());
      }
      if (value instanceof Enum<?> e) {
        return e.name();
      }
      if (value instanceof RegisteredName n) {
        return quote(n.name());
      }
      if (value instanceof List<?>) {
        return "[]";
      }
      if (value instanceof Map<?, ?>) {
        return "{}";
      }
      return value.toString();
    }
  }

  /** The leaves of {@code root} (a record), in walk order. */
  public static List<Leaf> leaves(Record root) {
    List<Leaf> out = new ArrayList<>();
    walk("", root, root.getClass(), out);
    return out;
  }

  /** One {@code path=value} line per leaf, the text a trial id hashes. */
  public static String canonical(Record root) {
    StringBuilder sb = new StringBuilder();
    for (Leaf leaf : leaves(root)) {
      sb.append(leaf.path()).append('=').append(leaf.canonicalValue()).append('\n');
    }
    return sb.toString();
  }

  /** camelCase to the spec's snake_case. */
  public static String snake(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  private static void walk(String path, Object value, Class<?> declared, List<Leaf> out) {
    if (value instanceof RegisteredName) {
      out.add(new Leaf(path, value)); // one leaf even when the name is held in a record
    } else if (value instanceof WalkForm form) {
      Record walked = form.walkForm(); // the leaves it always had, in their order
      walk(path, walked, walked.getClass(), out);
    } else if (value instanceof Record r) {
      if (r.getClass() != declared) {
        out.add(new Leaf(path + "#type", r.getClass().getSimpleName()));
      }
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        String name = snake(c.getName());
        Object component = read(c, r);
        if (component == null && c.isAnnotationPresent(OmitWhenNull.class)) {
          continue; // an absent optional section: existing ids stay as they were
        }
        Class<?> type = c.getType();
        if (component instanceof KindSettings settings) {
          // A kind's own settings: under the kind's key, and the kind's name is their type.
          name = settings.walkKey();
          type = component.getClass();
        }
        walk(path.isEmpty() ? name : path + "." + name, component, type, out);
      }
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        out.add(new Leaf(path, List.of()));
      }
      for (int i = 0; i < list.size(); i++) {
        walk(path + "[" + i + "]", list.get(i), Object.class, out);
      }
    } else if (value != null && value.getClass().isArray()) {
      int n = Array.getLength(value);
      if (n == 0) {
        out.add(new Leaf(path, List.of()));
      }
      for (int i = 0; i < n; i++) {
        walk(path + "[" + i + "]", Array.get(value, i), Object.class, out);
      }
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        out.add(new Leaf(path, Map.of()));
      }
      for (Map.Entry<?, ?> e : map.entrySet()) {
        walk(
            path + "[" + new Leaf("", e.getKey()).canonicalValue() + "]",
            e.getValue(),
            Object.class,
            out);
      }
    } else if (value == null
        || value instanceof String
        || value instanceof Number
        || value instanceof Boolean
        || value instanceof Character
        || value instanceof Enum<?>
        || value instanceof RegisteredName
        || value instanceof URI
        || value instanceof UUID) {
      out.add(new Leaf(path, value));
    } else {
      throw new InvariantViolation(
          "the configuration walk has no canonical form for "
              + value.getClass().getName()
              + " at "
              + path
              + "; make it a record, a list, a map or a plain value, or teach ConfigWalk its form");
    }
  }

  private static Object read(RecordComponent c, Record r) {
    try {
      var accessor = c.getAccessor();
      accessor.setAccessible(true);
      return accessor.invoke(r);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new InvariantViolation(
          "cannot read record component " + c.getName() + " of " + r.getClass().getName(), e);
    }
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> {
          if (ch < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
          } else {
            sb.append(ch);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
