package dev.scaling.driver.bench;

import static dev.scaling.driver.bench.BenchTable.fmt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaling.driver.bench.BenchReport.Row;
import dev.scaling.driver.bench.BenchReport.ScheduleResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The schedule section of the bench: from a finished quickstart OUT's commits (end = the commit
 * file's time, start = end - wall seconds), the makespan against max(sum of trial times / slots,
 * longest trial) and the idle gap on a slot between one trial's commit and the next trial's start.
 */
final class ScheduleBench {
  static final double TARGET_MAKESPAN = 1.08;
  static final double TARGET_OVERHEAD = 0.01;

  private final Path sweepOut;
  private final Integer slots;

  /**
   * @param sweepOut the OUT to read; null for out/quickstart
   * @param slots trial slots the sweep ran with; null for the largest overlap of its trials
   */
  ScheduleBench(Path sweepOut, Integer slots) {
    this.sweepOut = sweepOut;
    this.slots = slots;
  }

  /** Adds the schedule rows; returns the result, or null when no finished sweep was found. */
  ScheduleResult run(List<Row> rows) {
    Path out = sweepOut != null ? sweepOut : Path.of("out", "quickstart");
    Path commits = out.resolve("commits");
    String how =
        "run ./sweep run examples/quickstart.yaml --out out/quickstart, then ./sweep bench --sweep-out out/quickstart";
    if (!Files.isDirectory(commits)) {
      rows.add(
          new Row(
              "schedule",
              "quickstart makespan",
              "n/a",
              "n/a",
              "n/a",
              "<= 1.08x",
              "SKIPPED",
              "no finished sweep at " + out + " (no commits/); " + how));
      rows.add(
          new Row(
              "schedule", "Spark overhead per trial", "n/a", "", "", "< 1%", "SKIPPED", "same"));
      return null;
    }
    ObjectMapper json = new ObjectMapper();
    List<double[]> spans = new ArrayList<>(); // {start, end} in seconds
    try (Stream<Path> files = Files.list(commits)) {
      for (Path f : files.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
        JsonNode node = json.readTree(f.toFile());
        double wall = node.path("result").path("wallSeconds").asDouble();
        double end = Files.getLastModifiedTime(f).toMillis() / 1000.0;
        spans.add(new double[] {end - wall, end});
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + commits + ": " + e.getMessage(), e);
    }
    if (spans.isEmpty()) {
      rows.add(
          new Row(
              "schedule",
              "quickstart makespan",
              "n/a",
              "n/a",
              "n/a",
              "<= 1.08x",
              "SKIPPED",
              "no commits in " + commits + "; " + how));
      return null;
    }
    spans.sort((a, b) -> Double.compare(a[0], b[0]));
    int n = spans.size();
    double sum = spans.stream().mapToDouble(s -> s[1] - s[0]).sum();
    double longest = spans.stream().mapToDouble(s -> s[1] - s[0]).max().orElse(0);
    double first = spans.get(0)[0];
    double last = spans.stream().mapToDouble(s -> s[1]).max().orElse(0);
    int overlap = maxOverlap(spans);
    int k = slots != null ? slots : overlap;
    // Lanes: each trial goes to the free slot that freed up last; the gap is its idle time before
    // the trial.
    double[] laneEnd = new double[k];
    Arrays.fill(laneEnd, Double.NaN);
    double gaps = 0;
    int gapCount = 0;
    for (double[] s : spans) {
      int best = -1;
      for (int i = 0; i < k; i++) {
        if (Double.isNaN(laneEnd[i])) {
          if (best < 0) {
            best = i;
          }
        } else if (laneEnd[i] <= s[0] + 0.05
            && (best < 0 || Double.isNaN(laneEnd[best]) || laneEnd[i] > laneEnd[best])) {
          best = i;
        }
      }
      if (best < 0) {
        best = 0;
      }
      if (!Double.isNaN(laneEnd[best])) {
        gaps += Math.max(0, s[0] - laneEnd[best]);
        gapCount++;
      }
      laneEnd[best] = s[1];
    }
    double makespan = last - first;
    double bound = Math.max(sum / k, longest);
    double meanGap = gapCount == 0 ? 0 : gaps / gapCount;
    double meanTrial = sum / n;
    ScheduleResult r =
        new ScheduleResult(out.toString(), n, k, sum, longest, makespan, bound, meanGap, meanTrial);
    double ratio = makespan / bound;
    rows.add(
        new Row(
            "schedule",
            "quickstart makespan (" + n + " trials, " + k + " slots) s",
            fmt(makespan),
            fmt(bound),
            fmt(ratio) + "x",
            "<= 1.08x",
            ratio <= TARGET_MAKESPAN ? "MEETS" : "MISSES",
            "bound = max(sum "
                + fmt(sum)
                + " s / "
                + k
                + ", longest "
                + fmt(longest)
                + " s); first trial start to last "
                + "trial end (Spark/JVM start-up and the final fit excluded); from "
                + commits));
    double share = meanGap / meanTrial;
    rows.add(
        new Row(
            "schedule",
            "gap per trial on a slot (Spark overhead proxy) s",
            fmt(meanGap),
            fmt(meanTrial),
            fmt(100 * share) + "%",
            "< 1%",
            share < TARGET_OVERHEAD ? "MEETS" : "MISSES",
            "idle slot time between a trial's commit and the next trial's start (task launch, result, commit); "
                + "trial start = commit time - wall_seconds, which includes data generation"));
    return r;
  }

  static int maxOverlap(List<double[]> spans) {
    List<double[]> events = new ArrayList<>();
    for (double[] s : spans) {
      events.add(new double[] {s[0] + 0.05, 1});
      events.add(new double[] {s[1], -1});
    }
    events.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
    int cur = 0;
    int max = 0;
    for (double[] e : events) {
      cur += (int) e[1];
      max = Math.max(max, cur);
    }
    return Math.max(1, max);
  }
}
