package dev.scaling.driver.bench.scale;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Sweep page at scale, seen from outside while the bench trains: a thread of its own GETs
 * {@code <ui>/sweep/json} every few seconds and keeps the largest payload, and {@link #render}
 * loads {@code <ui>/sweep/} once in headless Chromium ({@code --dump-dom}) and reads the render
 * time the page writes on its body ({@code data-first-render-ms}, else {@code data-render-ms}).
 * Where no browser or no such attribute is found the render time is NaN and {@link #renderNote}
 * says why.
 */
final class PageProbe implements AutoCloseable {
  private static final Pattern FIRST_RENDER = Pattern.compile("data-first-render-ms=\"([0-9.]+)\"");
  private static final Pattern RENDER = Pattern.compile("data-render-ms=\"([0-9.]+)\"");

  private final String ui;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicLong largest = new AtomicLong();
  private final AtomicInteger polls = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private final Thread poller;
  private volatile boolean running = true;
  private volatile double renderMs = Double.NaN;
  private volatile double chromiumSeconds = Double.NaN;
  private volatile String renderNote = "not rendered";

  /**
   * @param ui the Spark UI's base URL, e.g. {@code http://127.0.0.1:4040}
   * @param pollSeconds seconds between polls of {@code /sweep/json}
   */
  PageProbe(String ui, double pollSeconds) {
    this.ui = ui.endsWith("/") ? ui.substring(0, ui.length() - 1) : ui;
    poller =
        new Thread(
            () -> {
              while (running) {
                poll();
                try {
                  Thread.sleep((long) (pollSeconds * 1000));
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "scale-bench-page");
    poller.setDaemon(true);
    poller.start();
  }

  private void poll() {
    try {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(URI.create(ui + "/sweep/json"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 200) {
        polls.incrementAndGet();
        largest.accumulateAndGet(r.body().length, Math::max);
      } else {
        failures.incrementAndGet();
      }
    } catch (Exception e) {
      failures.incrementAndGet();
    }
  }

  /** The browser to use: $CHROMIUM, else /usr/bin/chromium or chromium-browser; null if none. */
  static String browser() {
    String env = System.getenv("CHROMIUM");
    for (String c :
        new String[] {
          env, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"
        }) {
      if (c != null && !c.isBlank() && new File(c).canExecute()) {
        return c;
      }
    }
    return null;
  }

  /** Loads the page once in headless Chromium and records its render time (blocking, <= 90 s). */
  void render() {
    String browser = browser();
    if (browser == null) {
      renderNote = "no Chromium ($CHROMIUM, /usr/bin/chromium): render time not measured";
      return;
    }
    long t0 = System.nanoTime();
    try {
      File dump = File.createTempFile("scale-page", ".html");
      dump.deleteOnExit();
      // With a virtual-time budget the page's scripts run 5 s of (virtual) time before the dump;
      // where Chromium cannot finish so (a page busy polling), the dump after load is taken.
      if (!chromium(browser, dump, true) && !chromium(browser, dump, false)) {
        renderNote = "Chromium did not finish within 60 s (twice)";
        return;
      }
      chromiumSeconds = (System.nanoTime() - t0) / 1e9;
      String dom = java.nio.file.Files.readString(dump.toPath(), StandardCharsets.UTF_8);
      Matcher m = FIRST_RENDER.matcher(dom);
      if (!m.find()) {
        m = RENDER.matcher(dom);
        if (!m.find()) {
          renderNote =
              String.format(
                  Locale.ROOT,
                  "the page's body has no data-first-render-ms / data-render-ms (%d bytes of DOM;"
                      + " Chromium took %.1fs in all)",
                  dom.length(),
                  chromiumSeconds);
          return;
        }
      }
      renderMs = Double.parseDouble(m.group(1));
      renderNote =
          String.format(
              Locale.ROOT,
              "headless Chromium, %s: %.0f ms (the browser took %.1fs in all)",
              m.pattern() == FIRST_RENDER ? "first render" : "render",
              renderMs,
              chromiumSeconds);
    } catch (Exception e) {
      renderNote = "Chromium failed: " + e;
    }
  }

  private boolean chromium(String browser, File dump, boolean budget) throws Exception {
    java.nio.file.Path profile = java.nio.file.Files.createTempDirectory("scale-chromium");
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--dump-dom"));
    if (budget) {
      cmd.add("--virtual-time-budget=5000");
    }
    cmd.add(ui + "/sweep/");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(dump)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    if (!done) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    return done;
  }

  /** The largest {@code /sweep/json} payload, kB (NaN when no poll succeeded). */
  double largestKb() {
    return polls.get() == 0 ? Double.NaN : largest.get() / 1000.0;
  }

  int polls() {
    return polls.get();
  }

  int failures() {
    return failures.get();
  }

  /** The page's render time, seconds (NaN where not measured). */
  double renderSeconds() {
    return renderMs / 1000;
  }

  String renderNote() {
    return renderNote;
  }

  @Override
  public void close() {
    running = false;
    poller.interrupt();
  }
}
