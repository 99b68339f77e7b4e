package dev.scaling.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster for the ITs: one Master and N Workers as separate JVMs on
 * 127.0.0.1, started and stopped through {@code deploy/local-cluster} (so the script is tested
 * too), with its state under {@code deploy/target/it-cluster}.
 */
final class LocalCluster implements AutoCloseable {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  static final Path SCRIPT = ROOT.resolve("deploy/local-cluster");
  static final Path SPARK_JARS = ROOT.resolve("deploy/target/spark-home/jars");
  static final Path APP_JAR = ROOT.resolve("deploy/target/scaling-sweep-app.jar");

  final Path state;
  final String masterUrl;
  final double startSeconds;

  private LocalCluster(Path state, String masterUrl, double startSeconds) {
    this.state = state;
    this.masterUrl = masterUrl;
    this.startSeconds = startSeconds;
  }

  /** Starts the cluster; {@code extra} are further options of {@code local-cluster start}. */
  static LocalCluster start(String name, int workers, int cores, String memory, String... extra)
      throws Exception {
    Path state = ROOT.resolve("deploy/target/" + name);
    List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString(), "stop"));
    run(state, cmd, 60); // a cluster left over from an interrupted run
    cmd =
        new ArrayList<>(
            List.of(
                SCRIPT.toString(),
                "start",
                "--workers",
                "" + workers,
                "--cores",
                "" + cores,
                "--memory",
                memory));
    cmd.addAll(List.of(extra));
    long t0 = System.nanoTime();
    String out = run(state, cmd, 300);
    double seconds = (System.nanoTime() - t0) / 1e9;
    String url = Files.readString(state.resolve("master-url")).trim();
    if (!url.startsWith("spark://127.0.0.1:") || !out.contains(url)) {
      throw new IllegalStateException("local-cluster start did not report the master URL:\n" + out);
    }
    System.out.printf("[it] cluster %s up in %.1fs: %s%n", name, seconds, url);
    return new LocalCluster(state, url, seconds);
  }

  private static String run(Path state, List<String> cmd, int timeoutSeconds) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("LOCAL_CLUSTER_DIR", state.toString());
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + cmd);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0 && cmd.contains("start")) {
      throw new IllegalStateException(
          "exit " + p.exitValue() + " from " + cmd + ":\n" + text + logs(state));
    }
    return text;
  }

  private static String logs(Path state) {
    StringBuilder sb = new StringBuilder();
    try (var files = Files.list(state.resolve("logs"))) {
      for (Path f : files.toList()) {
        List<String> lines = Files.readAllLines(f);
        sb.append("\n--- ").append(f).append('\n');
        lines
            .subList(Math.max(0, lines.size() - 30), lines.size())
            .forEach(l -> sb.append(l).append('\n'));
      }
    } catch (IOException e) {
      sb.append(e);
    }
    return sb.toString();
  }

  /**
   * Live executor JVMs of one application: CoarseGrainedExecutorBackend processes naming its app
   * id.
   */
  static List<ProcessHandle> executors(String appId) {
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .map(c -> c.contains("CoarseGrainedExecutorBackend") && c.contains(appId))
                    .orElse(false))
        .toList();
  }

  @Override
  public void close() throws Exception {
    run(state, List.of(SCRIPT.toString(), "stop"), 120);
  }
}
