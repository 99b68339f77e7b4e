package dev.scaling.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The launcher as users call it: {@code ./sweep plan} with the shaded app jar first on the
 * classpath prints the plan and not one SLF4J line (a stale slf4j-api 1.x in the jar used to print
 * three "Failed to load class org.slf4j.impl.StaticLoggerBinder" lines with every command), and a
 * bad spec is one error line.
 */
class LauncherLoggingIT {
  private static final Path SWEEP = LocalCluster.ROOT.resolve("sweep");

  private static String[] run(Path dir, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(SWEEP.toString()));
    cmd.addAll(List.of(args));
    Path err = dir.resolve("stderr.txt");
    Path out = dir.resolve("stdout.txt");
    Process p =
        new ProcessBuilder(cmd)
            .directory(LocalCluster.ROOT.toFile())
            .redirectError(err.toFile())
            .redirectOutput(out.toFile())
            .start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "./sweep did not finish in 120 s");
    return new String[] {
      Integer.toString(p.exitValue()),
      Files.readString(out, StandardCharsets.UTF_8),
      Files.readString(err, StandardCharsets.UTF_8)
    };
  }

  @Test
  void plan_printsNoSlf4jWarnings() throws Exception {
    assertTrue(Files.isRegularFile(LocalCluster.APP_JAR), "build the app jar first (mvn package)");
    Path dir = Files.createTempDirectory(LocalCluster.ROOT.resolve("deploy/target"), "launcher");
    String[] r = run(dir, "plan", "examples/quickstart.yaml");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("Plan for sweep 'quickstart'"), r[1]);
    assertTrue(r[2].lines().noneMatch(l -> l.contains("SLF4J")), "stderr:\n" + r[2]);

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "name: [unclosed\n");
    r = run(dir, "plan", bad.toString());
    assertEquals("2", r[0], r[2]);
    assertEquals(1, r[2].lines().count(), "one error line, found:\n" + r[2]);
    assertTrue(r[2].startsWith("error: spec: is not valid YAML at line 2"), r[2]);
  }
}
