package dev.scaling.common.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * One YAML mapping of a spec with its dotted path ({@code training}, {@code data.synthetic}),
 * giving typed access to its keys: every wrong type, missing key or unknown key fails with a {@link
 * SpecException} naming the field. The parser reads its sections through it, and a kind (a
 * schedule, say) reads its own settings through it, so their messages name fields alike.
 *
 * @param prefix the dotted path of this mapping ("" for the whole spec)
 * @param map the mapping's entries, keys as strings
 */
/** A YAML mapping with its dotted path, giving typed, named access to its keys. */
public record SpecBlock(String prefix, Map<String, Object> map) {

  /** Where {@link #rejectUnknown} reports the keys it accepts, on this thread; null when none. */
  private static final ThreadLocal<BiConsumer<String, Set<String>>> KNOWN_KEYS =
      new ThreadLocal<>();

  /**
   * Runs {@code parse} (a spec parse, say) and tells {@code sink} the dotted path and the accepted
   * keys of every mapping it checks for unknown keys: how the spec reference's test learns the keys
   * the parser accepts from the parser itself, with no second list to keep in step.
   */
  public static <T> T reportingKnownKeys(BiConsumer<String, Set<String>> sink, Supplier<T> parse) {
    BiConsumer<String, Set<String>> outer = KNOWN_KEYS.get();
    KNOWN_KEYS.set(sink);
    try {
      return parse.get();
    } finally {
      KNOWN_KEYS.set(outer);
    }
  }

  /** The whole spec, or a SpecException when the YAML is empty or no mapping. */
  public static SpecBlock root(Object yaml) {
    if (yaml == null) {
      throw SpecException.of(
          "spec", "is empty; expected a mapping with name, seed, data, model, grid, training");
    }
    return new SpecBlock("", asMap("spec", yaml));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(String field, Object value) {
    if (!(value instanceof Map<?, ?> m)) {
      throw new SpecException(field, "a mapping", value);
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      copy.put(String.valueOf(e.getKey()), e.getValue());
    }
    return copy;
  }

  public String path(String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }

  public boolean has(String key) {
    return map.containsKey(key) && map.get(key) != null;
  }

  public SpecBlock child(String key) {
    Object v = map.get(key);
    if (v == null) {
      throw new SpecException(path(key), "a mapping", null);
    }
    return new SpecBlock(path(key), asMap(path(key), v));
  }

  public void rejectUnknown(Set<String> known) {
    BiConsumer<String, Set<String>> sink = KNOWN_KEYS.get();
    if (sink != null) {
      sink.accept(prefix, Set.copyOf(known));
    }
    Set<String> unknown = new TreeSet<>(map.keySet());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      String key = unknown.iterator().next();
      throw new SpecException(
          path(key), "one of the known keys " + new TreeSet<>(known), key + " (unknown key)");
    }
  }

  private Object required(String key, Object dflt) {
    Object v = map.get(key);
    if (v == null) {
      if (dflt == null) {
        throw new SpecException(path(key), "present", null);
      }
      return dflt;
    }
    return v;
  }

  public String string(String key, String dflt) {
    Object v = map.get(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof String s)) {
      throw new SpecException(path(key), "a string", v);
    }
    return s;
  }

  public boolean booleanValue(String key) {
    Object v = map.get(key);
    if (!(v instanceof Boolean b)) {
      throw new SpecException(path(key), "true or false", v);
    }
    return b;
  }

  public long longValue(String key, Long dflt) {
    return toLong(path(key), required(key, dflt));
  }

  public int intValue(String key, Integer dflt) {
    return toInt(path(key), required(key, dflt));
  }

  public double doubleValue(String key, Double dflt) {
    Object v = required(key, dflt);
    if (v instanceof Number num && !(v instanceof Long l && Math.abs(l) > (1L << 53))) {
      return num.doubleValue();
    }
    throw new SpecException(path(key), "a number", v);
  }

  public List<Integer> intList(String key) {
    List<Integer> out = new ArrayList<>();
    List<?> raw = list(key);
    for (int i = 0; i < raw.size(); i++) {
      out.add(toInt(path(key) + "[" + i + "]", raw.get(i)));
    }
    return out;
  }

  public List<Double> doubleList(String key) {
    List<Double> out = new ArrayList<>();
    List<?> raw = list(key);
    for (int i = 0; i < raw.size(); i++) {
      if (!(raw.get(i) instanceof Number num)) {
        throw new SpecException(path(key) + "[" + i + "]", "a number", raw.get(i));
      }
      out.add(num.doubleValue());
    }
    return out;
  }

  public List<Long> longList(String key) {
    List<Long> out = new ArrayList<>();
    List<?> raw = list(key);
    for (int i = 0; i < raw.size(); i++) {
      out.add(toLong(path(key) + "[" + i + "]", raw.get(i)));
    }
    return out;
  }

  private List<?> list(String key) {
    Object v = map.get(key);
    if (!(v instanceof List<?> l)) {
      throw new SpecException(path(key), "a non-empty list", v);
    }
    return l;
  }

  private static long toLong(String field, Object v) {
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    if (v instanceof java.math.BigInteger) {
      throw new SpecException(field, "a whole number that fits in 64 bits", v);
    }
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9e15) {
      return d.longValue(); // allows 1.0e6 style token counts
    }
    throw new SpecException(field, "a whole number", v);
  }

  private static int toInt(String field, Object v) {
    long l = toLong(field, v);
    if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
      throw new SpecException(field, "a whole number that fits in 32 bits", v);
    }
    return (int) l;
  }
}
