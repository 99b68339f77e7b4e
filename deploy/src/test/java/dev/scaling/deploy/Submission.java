package dev.scaling.deploy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sweep run} submitted the way an operator does: {@code org.apache.spark.deploy.SparkSubmit}
 * in its own JVM (client mode, Spark's jars only on its classpath, the app jar as primary
 * resource). Every output line is kept with the time it arrived.
 */
final class Submission implements AutoCloseable {
  /** One line of the driver's output and when the test read it (System.nanoTime). */
  record Line(long nanos, String text) {}

  private static final Pattern RUN_ID =
      Pattern.compile("Spark UI: (\\S+)\\s+(?:application|run_id): ([^\\s@]+)");

  final Process process;
  final Path log;
  private final List<Line> lines = new ArrayList<>();
  private final Thread reader;

  private Submission(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.reader = new Thread(this::pump, "submission-output");
    reader.setDaemon(true);
    reader.start();
  }

  static Submission start(
      String masterUrl, Path spec, Path out, Path work, Map<String, String> conf) throws Exception {
    return start(
        masterUrl, spec, out, work, conf, List.of("run", spec.toString(), "--out", out.toString()));
  }

  /** Submits {@code SweepMain} with the given program arguments. */
  static Submission start(
      String masterUrl, Path spec, Path out, Path work, Map<String, String> conf, List<String> args)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(System.getProperty("it.spark.opens").trim().split("\\s+")));
    cmd.addAll(
        List.of(
            "-Xmx1g",
            "-Dai.djl.offline=true",
            "-Dlog4j2.configurationFile="
                + LocalCluster.ROOT.resolve("deploy/conf/log4j2.properties")));
    cmd.addAll(
        List.of("-cp", LocalCluster.SPARK_JARS + "/*", "org.apache.spark.deploy.SparkSubmit"));
    cmd.addAll(List.of("--master", masterUrl, "--deploy-mode", "client"));
    conf.forEach((k, v) -> cmd.addAll(List.of("--conf", k + "=" + v)));
    cmd.addAll(
        List.of(
            "--conf",
            "spark.executorEnv.SPARK_SCALA_VERSION=2.13",
            "--conf",
            "spark.executorEnv.DJL_OFFLINE=true",
            "--conf",
            "spark.executorEnv.OPT_OUT_TRACKING=true",
            "--conf",
            "spark.executor.extraJavaOptions=-Dai.djl.offline=true",
            "--conf",
            "spark.executor.memory=768m",
            "--conf",
            "spark.ui.showConsoleProgress=false",
            "--conf",
            "spark.eventLog.enabled=true",
            "--conf",
            "spark.eventLog.compress=false",
            "--conf",
            "spark.eventLog.dir=" + work.resolve("events").toUri()));
    Files.createDirectories(work.resolve("events"));
    cmd.addAll(List.of("--class", "dev.scaling.driver.SweepMain", LocalCluster.APP_JAR.toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("DJL_OFFLINE", "true");
    return new Submission(pb.start(), work.resolve("driver.log"));
  }

  private void pump() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String l;
      while ((l = r.readLine()) != null) {
        long now = System.nanoTime();
        synchronized (lines) {
          lines.add(new Line(now, l));
        }
        Files.writeString(
            log,
            l + "\n",
            StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
      }
    } catch (Exception e) {
      // the process ended
    }
  }

  List<Line> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  String output() {
    StringBuilder sb = new StringBuilder();
    lines().forEach(l -> sb.append(l.text()).append('\n'));
    return sb.toString();
  }

  /** {ui url, app id} once the driver printed them, else null. */
  String[] uiAndAppId() {
    for (Line l : lines()) {
      Matcher m = RUN_ID.matcher(l.text());
      if (m.find()) {
        return new String[] {m.group(1), m.group(2)};
      }
    }
    return null;
  }

  /** Waits for the driver to exit; returns its exit code. */
  int await(int seconds) throws Exception {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("sweep did not finish in " + seconds + "s; output:\n" + output());
    }
    reader.join(5000);
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
