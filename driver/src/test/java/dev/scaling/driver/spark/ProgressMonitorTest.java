package dev.scaling.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.SpecParser;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.Success$;
import org.apache.spark.TaskEndReason;
import org.apache.spark.TaskResultLost$;
import org.apache.spark.TaskState;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.scheduler.TaskLocality;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The console at scale: Spark's own listener events (a job of one stage, its tasks' starts and
 * ends) on a clock the test advances, so the pacing of lines is checked without waiting.
 */
class ProgressMonitorTest {
  static final String GROUP = "sweep-test";

  static Plan plan(int widths, int depths, int tokens) {
    StringBuilder w = new StringBuilder();
    for (int i = 1; i <= widths; i++) {
      w.append(i == 1 ? "" : ", ").append(16 * i);
    }
    StringBuilder d = new StringBuilder();
    for (int i = 1; i <= depths; i++) {
      d.append(i == 1 ? "" : ", ").append(i);
    }
    StringBuilder t = new StringBuilder();
    for (int i = 1; i <= tokens; i++) {
      t.append(i == 1 ? "" : ", ").append(6400 * i);
    }
    return Planner.plan(
        SpecParser.parse(
            "name: console\nseed: 1\ndata: {source: synthetic}\n"
                + "model: {context: 16, head_size: 16}\n"
                + "grid: {width: ["
                + w
                + "], depth: ["
                + d
                + "], tokens: ["
                + t
                + "]}\ntraining: {batch_size: 4, learning_rate: 1.0e-3, eval_interval: 10}\n"));
  }

  /** A monitor on a clock the test sets, printing to a buffer; its job's stage is 0. */
  static final class Console {
    final long[] now = {0};
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final ProgressMonitor monitor;
    final int tasks;
    long nextTaskId;

    Console(Plan plan) {
      monitor =
          new ProgressMonitor(
              plan,
              GROUP,
              new PrintStream(bytes, true, StandardCharsets.UTF_8),
              false,
              plan.totalFlops(),
              () -> now[0]);
      tasks = plan.trials().size();
      monitor.expect("all", plan.trials());
      Properties props = new Properties();
      props.setProperty("spark.jobGroup.id", GROUP);
      props.setProperty(ProgressMonitor.PART_PROPERTY, "all");
      StageInfo stage =
          new StageInfo(
              0,
              0,
              "train",
              tasks,
              seq(List.of()),
              seq(List.of()),
              "",
              null,
              seq(List.of()),
              Option.empty(),
              0,
              false,
              0);
      monitor.onJobStart(new SparkListenerJobStart(0, 0, seq(List.of(stage)), props));
    }

    /** Trial {@code index}'s task starts and ends at the clock's time. */
    void end(int index, int attempt, TaskEndReason reason) {
      TaskInfo info =
          new TaskInfo(
              nextTaskId++,
              index,
              attempt,
              index,
              now[0] / 1_000_000,
              "1",
              "host-a",
              TaskLocality.PROCESS_LOCAL(),
              false);
      monitor.onTaskStart(new SparkListenerTaskStart(0, 0, info));
      info.markFinished(TaskState.FINISHED(), now[0] / 1_000_000 + 1500);
      monitor.onTaskEnd(new SparkListenerTaskEnd(0, 0, "ResultTask", reason, info, null, null));
    }

    List<String> lines() {
      monitor.finish();
      return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }
  }

  static <T> scala.collection.immutable.Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toList();
  }

  @Test
  void console_2000FastTrialEndsPrintASummaryAtMostEvery10Seconds() {
    Plan plan = plan(10, 10, 20);
    assertEquals(2000, plan.trials().size());
    Console c = new Console(plan);
    long step = 50_000_000L; // a trial ends every 50 ms: 100 s in all
    for (int i = 0; i < 2000; i++) {
      c.now[0] += step;
      c.end(i, 0, Success$.MODULE$);
    }
    List<String> lines = c.lines();
    double seconds = 2000 * step / 1e9;
    // A summary at most every SUMMARY_SECONDS, the first trial's own line and the last summary.
    long bound = (long) Math.ceil(seconds / ProgressMonitor.SUMMARY_SECONDS) + 2;
    assertTrue(lines.size() <= bound, lines.size() + " lines > " + bound + ":\n" + lines);
    assertTrue(lines.size() >= 3, "summaries while the trials end: " + lines);
    // Every trial is accounted for: its own line, or counted in a summary.
    int accounted = 0;
    Pattern counted = Pattern.compile("\\] (\\d+) trial\\(s\\) ended since the last line");
    for (String l : lines) {
      Matcher m = counted.matcher(l);
      accounted += m.find() ? Integer.parseInt(m.group(1)) : l.contains(" done in ") ? 1 : 0;
    }
    assertEquals(2000, accounted, String.join("\n", lines));
    assertTrue(lines.get(lines.size() - 1).startsWith("[2000/2000 done, 0 running, 0 retried]"));
    assertTrue(lines.get(lines.size() - 1).contains("FLOPs 100%"), lines.get(lines.size() - 1));
  }

  @Test
  void console_slowTrialEndsKeepALineEach() {
    Plan plan = plan(15, 15, 1);
    assertEquals(225, plan.trials().size(), "above the small sweep's size");
    Console c = new Console(plan);
    for (int i = 0; i < 30; i++) {
      c.now[0] += 3_000_000_000L; // one every 3 s
      c.end(i, 0, Success$.MODULE$);
    }
    List<String> lines = c.lines();
    assertEquals(30, lines.size(), String.join("\n", lines));
    assertTrue(
        lines.stream().allMatch(l -> l.contains(" done in 1.5s on executor 1")), lines.get(0));
  }

  @Test
  void console_smallSweepPrintsEveryTrialHoweverFast() {
    Plan plan = plan(2, 2, 1);
    Console c = new Console(plan);
    for (int i = 0; i < 4; i++) {
      c.now[0] += 1_000_000L;
      c.end(i, 0, Success$.MODULE$);
    }
    List<String> lines = c.lines();
    assertEquals(4, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(3).startsWith("[4/4 done"), lines.get(3));
  }

  @Test
  void console_printsTheFirst20LostAttemptsThenCountsThem() {
    Plan plan = plan(10, 10, 20);
    Console c = new Console(plan);
    for (int i = 0; i < 50; i++) {
      c.now[0] += 10_000_000L;
      c.end(i, 0, TaskResultLost$.MODULE$);
    }
    List<String> lines = c.lines();
    long lost = lines.stream().filter(l -> l.contains("attempt 0 lost (TaskResultLost$)")).count();
    assertEquals(ProgressMonitor.MAX_LOST_LINES, lost);
    assertTrue(
        lines
            .get(ProgressMonitor.MAX_LOST_LINES - 1)
            .endsWith("(later lost attempts are counted in the summary lines)"));
    assertEquals(ProgressMonitor.MAX_LOST_LINES + 1, lines.size(), String.join("\n", lines));
    assertTrue(
        lines.get(lines.size() - 1).contains("30 lost attempt(s) not printed"),
        lines.get(lines.size() - 1));
    assertTrue(lines.get(lines.size() - 1).startsWith("[0/2000 done, 0 running, 50 retried]"));
  }
}
