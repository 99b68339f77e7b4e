package dev.scaling.driver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaling.driver.bench.BenchReport.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The estimate row of the bench's schedule section: the time estimate {@code ./sweep run} printed
 * before training against the training time it then took, both recorded in {@code
 * OUT/estimate.json} of a quickstart OUT (target: estimate / actual within 0.7-1.3).
 */
final class EstimateBench {
  static final double LOW = 0.7;
  static final double HIGH = 1.3;

  private EstimateBench() {}

  /** The row for {@code out} (null: out/quickstart); SKIPPED when it holds no estimate. */
  static Row row(Path out) {
    Path dir = out != null ? out : Path.of("out", "quickstart");
    Path file = dir.resolve("estimate.json");
    if (!Files.isRegularFile(file)) {
      return new Row(
          "schedule",
          "quickstart estimate / actual",
          "n/a",
          "n/a",
          "n/a",
          "0.7-1.3",
          "SKIPPED",
          "no "
              + file
              + "; run ./sweep run examples/quickstart.yaml --out out/quickstart (a fresh OUT),"
              + " then ./sweep bench --sweep-out out/quickstart");
    }
    JsonNode n;
    try {
      n = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    double estimate = n.path("estimate_seconds").asDouble();
    double actual = n.path("actual_seconds").asDouble();
    double ratio = estimate / actual;
    return new Row(
        "schedule",
        "quickstart estimate / actual ("
            + n.path("trials").asInt()
            + " trials, "
            + n.path("slots").asInt()
            + " slots) s",
        String.format(Locale.ROOT, "%.1f", estimate),
        String.format(Locale.ROOT, "%.1f", actual),
        String.format(Locale.ROOT, "%.2f", ratio),
        "0.7-1.3",
        ratio >= LOW && ratio <= HIGH ? "MEETS" : "MISSES",
        (n.path("provisional").asBoolean() ? "provisional estimate (no probe)" : "timed probe")
            + ", from "
            + file);
  }
}
