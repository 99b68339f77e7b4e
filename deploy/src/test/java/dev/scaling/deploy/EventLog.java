package dev.scaling.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what the ITs need from a Spark event log (one JSON object per line): finished task attempts
 * with their times, executor and stage, each stage's resource profile, and named accumulators'
 * final values. Plain regular expressions; the event log format is Spark's stable JSON protocol.
 */
final class EventLog {
  record Task(
      int stageId,
      int index,
      int attempt,
      String executorId,
      long launch,
      long finish,
      boolean success) {}

  final List<Task> tasks = new ArrayList<>();
  final Map<Integer, Integer> stageProfile = new HashMap<>();
  final Map<String, Long> accumulators = new HashMap<>();

  private static final Pattern STAGE_ID = Pattern.compile("\"Stage ID\":(\\d+)");
  private static final Pattern PROFILE = Pattern.compile("\"Resource Profile Id\":(\\d+)");
  private static final Pattern INDEX = Pattern.compile("\"Index\":(\\d+)");
  private static final Pattern ATTEMPT = Pattern.compile("\"Attempt\":(\\d+)");
  private static final Pattern EXECUTOR = Pattern.compile("\"Executor ID\":\"([^\"]+)\"");
  private static final Pattern LAUNCH = Pattern.compile("\"Launch Time\":(\\d+)");
  private static final Pattern FINISH = Pattern.compile("\"Finish Time\":(\\d+)");
  private static final Pattern ACC =
      Pattern.compile("\\{\"ID\":\\d+,\"Name\":\"([^\"]+)\",\"Value\":\"?(\\d+)\"?");

  static EventLog read(Path dir) throws Exception {
    EventLog log = new EventLog();
    // Spark 4 rolls event logs by default: a folder eventlog_v2_<app>/events_N_<app> per
    // application.
    try (var files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        for (String line : Files.readAllLines(f)) {
          log.add(line);
        }
      }
    }
    return log;
  }

  private void add(String line) {
    if (line.startsWith("{\"Event\":\"SparkListenerStageSubmitted\"")) {
      stageProfile.put(group(STAGE_ID, line), group(PROFILE, line));
    } else if (line.startsWith("{\"Event\":\"SparkListenerTaskEnd\"")) {
      tasks.add(
          new Task(
              group(STAGE_ID, line),
              group(INDEX, line),
              group(ATTEMPT, line),
              str(EXECUTOR, line),
              Long.parseLong(str(LAUNCH, line)),
              Long.parseLong(str(FINISH, line)),
              line.contains("\"Reason\":\"Success\"")));
    } else if (line.startsWith("{\"Event\":\"SparkListenerStageCompleted\"")) {
      Matcher m = ACC.matcher(line);
      while (m.find()) {
        accumulators.merge(m.group(1), Long.parseLong(m.group(2)), Math::max);
      }
    }
  }

  private static int group(Pattern p, String line) {
    return Integer.parseInt(str(p, line));
  }

  private static String str(Pattern p, String line) {
    Matcher m = p.matcher(line);
    if (!m.find()) {
      throw new IllegalStateException(
          p + " not in " + line.substring(0, Math.min(300, line.length())));
    }
    return m.group(1);
  }
}
