package dev.scaling.common.fit;

import dev.scaling.common.spec.SpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Parses the command line's "{@code all} or a comma-separated list of labels" for the enums that
 * name laws and approaches, without repeats, so each enum states only its labels and what {@code
 * all} means.
 */
final class LabelList {
  private LabelList() {}

  /**
   * @param field the option, for the message
   * @param value the text given
   * @param choices every value, in the order labels are listed
   * @param all what {@code all} means
   * @param label a value's label (matched case-insensitively)
   * @param labels every label, comma-separated, for the message
   * @throws SpecException naming {@code field}, the rule and the value when a part is no label
   */
  static <T> List<T> parse(
      String field,
      String value,
      T[] choices,
      List<T> all,
      Function<T, String> label,
      String labels) {
    if (value != null && value.trim().equalsIgnoreCase("all")) {
      return all;
    }
    List<T> out = new ArrayList<>();
    for (String part : value == null ? new String[] {""} : value.split(",", -1)) {
      T found = null;
      for (T c : choices) {
        if (label.apply(c).equalsIgnoreCase(part.trim())) {
          found = c;
        }
      }
      if (found == null) {
        throw new SpecException(field, "all or a comma-separated list of " + labels, value);
      }
      if (!out.contains(found)) {
        out.add(found);
      }
    }
    return out;
  }
}
