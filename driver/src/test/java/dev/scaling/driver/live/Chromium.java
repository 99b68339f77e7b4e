package dev.scaling.driver.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium, run as a process: the DOM of a page after its scripts ran, a screenshot; and
 * its binary for {@link DevTools}, which drives it over the DevTools protocol.
 */
public final class Chromium {
  private final Path binary;

  private Chromium(Path binary) {
    this.binary = binary;
  }

  /**
   * The browser named by {@code CHROMIUM} when set, else the installed one; fails the test (never
   * skips it) with how to install it.
   */
  public static Chromium require() {
    String given = System.getenv("CHROMIUM");
    List<String> names =
        given != null && !given.isBlank()
            ? List.of(given)
            : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
    for (String name : names) {
      Path p = Path.of(name);
      if (Files.isExecutable(p)) {
        return new Chromium(p);
      }
    }
    fail(
        "headless Chromium is needed for the Sweep page's browser test and is not at "
            + names
            + ": `./sweep test` installs it (Debian: apt-get install chromium), or set CHROMIUM to"
            + " a Chromium or Chrome binary");
    return null;
  }

  /** The browser's executable. */
  public Path binary() {
    return binary;
  }

  /** The serialized DOM of {@code url} after load. */
  String dumpDom(String url) throws IOException, InterruptedException {
    return run(List.of("--dump-dom", url));
  }

  /** Saves a screenshot of {@code url} to {@code png}. */
  void screenshot(String url, Path png) throws IOException, InterruptedException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=1400,1000", url));
  }

  private String run(List<String> args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("chromium-profile");
    Path out = Files.createTempFile("chromium", ".out");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile));
    cmd.addAll(args);
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("chromium did not finish within 60 s: " + cmd);
    }
    assertEquals(0, p.exitValue(), "chromium exit code for " + cmd);
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
