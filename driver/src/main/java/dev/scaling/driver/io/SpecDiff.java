package dev.scaling.driver.io;

import dev.scaling.common.trial.ConfigWalk;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Lists the fields in which two specs (records, nested) differ, as {@code path: old -> new} lines,
 * so a refused resume can show the user exactly what changed. It compares the leaves of {@link
 * ConfigWalk}, the same walk the trial id hashes, so a field added to a spec record is compared
 * without edits here.
 */
public final class SpecDiff {
  private static final String ABSENT = "(absent)";

  private SpecDiff() {}

  /** The differing leaf fields of two records of the same type, with dotted paths. */
  public static List<String> diff(Record before, Record after) {
    Map<String, Object> a = leaves(before);
    Map<String, Object> b = leaves(after);
    // Walk order: the paths of both, a path only in the new spec right after its predecessor there.
    List<String> paths = new ArrayList<>(a.keySet());
    String previous = null;
    for (String path : b.keySet()) {
      if (!a.containsKey(path)) {
        paths.add(previous == null ? 0 : paths.indexOf(previous) + 1, path);
      }
      previous = path;
    }
    List<String> out = new ArrayList<>();
    for (String path : paths) {
      Object x = a.getOrDefault(path, ABSENT);
      Object y = b.getOrDefault(path, ABSENT);
      if (!Objects.equals(x, y)) {
        out.add(path + ": " + x + " -> " + y);
      }
    }
    return out;
  }

  private static Map<String, Object> leaves(Record root) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (ConfigWalk.Leaf leaf : ConfigWalk.leaves(root)) {
      out.put(leaf.path(), leaf.value());
    }
    return out;
  }
}
