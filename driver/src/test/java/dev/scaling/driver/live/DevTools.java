package dev.scaling.driver.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One headless Chromium page driven over the Chrome DevTools Protocol (its remote-debugging
 * websocket on 127.0.0.1, through {@link java.net.http.WebSocket}): navigate, evaluate script,
 * dispatch real mouse events, take full-page screenshots, and see every request the page made (the
 * Network domain). With {@code offline}, the browser's network is cut: every host resolves to
 * nothing and every proxied request goes to a closed port, so only {@code file:} pages load.
 */
public final class DevTools implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING =
      Pattern.compile("DevTools listening on (ws://127\\.0\\.0\\.1:(\\d+)/\\S+)");

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<JsonNode> events = new CopyOnWriteArrayList<>();

  private DevTools(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /** Starts the browser with one blank page and attaches to that page. */
  public static DevTools start(Chromium chromium, boolean offline, int width, int height)
      throws Exception {
    Path profile = Files.createTempDirectory("chromium-cdp");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                chromium.binary().toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=" + width + "," + height,
                "--user-data-dir=" + profile));
    if (offline) {
      cmd.add("--proxy-server=127.0.0.1:9");
      cmd.add("--proxy-bypass-list=<-loopback>");
      cmd.add("--host-resolver-rules=MAP * ~NOTFOUND");
    }
    cmd.add("about:blank");
    Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String browserWs = null;
    int port = 0;
    BufferedReader err =
        new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String line;
    while (browserWs == null && System.nanoTime() < deadline && (line = err.readLine()) != null) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        browserWs = m.group(1);
        port = Integer.parseInt(m.group(2));
      }
    }
    if (browserWs == null) {
      p.destroyForcibly();
      throw new IOException("chromium printed no DevTools address within 30 s: " + cmd);
    }
    // Keep draining stderr so the browser never blocks on a full pipe.
    Thread drain =
        new Thread(
            () -> {
              try {
                while (err.readLine() != null) {
                  // discard
                }
              } catch (IOException ignored) {
                // the browser exited
              }
            });
    drain.setDaemon(true);
    drain.start();
    HttpClient http = HttpClient.newHttpClient();
    String pageWs = null;
    for (int i = 0; i < 50 && pageWs == null; i++) {
      HttpResponse<String> list =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
              HttpResponse.BodyHandlers.ofString());
      for (JsonNode t : JSON.readTree(list.body())) {
        if (t.path("type").asText().equals("page")) {
          pageWs = t.path("webSocketDebuggerUrl").asText();
        }
      }
      if (pageWs == null) {
        Thread.sleep(100);
      }
    }
    if (pageWs == null) {
      p.destroyForcibly();
      throw new IOException("chromium has no page target on port " + port);
    }
    DevTools[] self = new DevTools[1];
    WebSocket ws =
        http.newWebSocketBuilder()
            .buildAsync(URI.create(pageWs), new Listener(self))
            .get(30, TimeUnit.SECONDS);
    self[0] = new DevTools(p, profile, ws);
    return self[0];
  }

  /** Receives whole messages: replies complete their call, events are kept. */
  private static final class Listener implements WebSocket.Listener {
    private final DevTools[] owner;
    private final StringBuilder buf = new StringBuilder();

    Listener(DevTools[] owner) {
      this.owner = owner;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      buf.append(data);
      if (last) {
        String text = buf.toString();
        buf.setLength(0);
        try {
          JsonNode msg = JSON.readTree(text);
          DevTools d = owner[0];
          if (d != null) {
            if (msg.has("id")) {
              CompletableFuture<JsonNode> f = d.pending.remove(msg.get("id").asInt());
              if (f != null) {
                f.complete(msg);
              }
            } else {
              d.events.add(msg);
            }
          }
        } catch (IOException e) {
          throw new IllegalStateException("unreadable DevTools message: " + text, e);
        }
      }
      ws.request(1);
      return null;
    }
  }

  /** Calls {@code method} and returns its result; fails on a protocol error. */
  public JsonNode call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode msg = JSON.createObjectNode();
    msg.put("id", id);
    msg.put("method", method);
    msg.set("params", JSON.valueToTree(params));
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    socket.sendText(JSON.writeValueAsString(msg), true).get(30, TimeUnit.SECONDS);
    JsonNode r = reply.get(60, TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new IllegalStateException(method + " failed: " + r.get("error"));
    }
    return r.path("result");
  }

  /** Navigates to {@code url} with the Network domain on, and waits for the load event. */
  public void open(String url) throws Exception {
    call("Network.enable", Map.of());
    call("Page.enable", Map.of());
    events.clear();
    call("Page.navigate", Map.of("url", url));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (events.stream()
        .noneMatch(e -> e.path("method").asText().equals("Page.loadEventFired"))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no load event within 60 s for " + url);
      }
      Thread.sleep(50);
    }
  }

  /** The URL of every request the page made since {@link #open}. */
  public List<String> requests() {
    return events.stream()
        .filter(e -> e.path("method").asText().equals("Network.requestWillBeSent"))
        .map(e -> e.path("params").path("request").path("url").asText())
        .toList();
  }

  /** The value of a JavaScript expression (awaited when it is a promise), as JSON. */
  public JsonNode eval(String expression) throws Exception {
    JsonNode r =
        call(
            "Runtime.evaluate",
            Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException(
          "script failed: " + r.get("exceptionDetails") + "\n" + expression);
    }
    return r.path("result").path("value");
  }

  /** Moves the mouse to the viewport point ({@code x}, {@code y}), as a user's mouse would. */
  public void hover(double x, double y) throws Exception {
    call(
        "Input.dispatchMouseEvent",
        Map.of("type", "mouseMoved", "x", x - 3, "y", y - 3, "button", "none"));
    call(
        "Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x, "y", y, "button", "none"));
  }

  /** Saves a screenshot of the whole page (beyond the viewport) as PNG. */
  public void screenshot(Path png) throws Exception {
    JsonNode metrics = call("Page.getLayoutMetrics", Map.of());
    JsonNode size = metrics.path("cssContentSize");
    if (size.isMissingNode()) {
      size = metrics.path("contentSize");
    }
    int w = (int) Math.ceil(size.path("width").asDouble());
    int h = (int) Math.ceil(size.path("height").asDouble());
    JsonNode shot =
        call(
            "Page.captureScreenshot",
            Map.of(
                "format",
                "png",
                "captureBeyondViewport",
                true,
                "clip",
                Map.of("x", 0, "y", 0, "width", w, "height", h, "scale", 1)));
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.write(png, Base64.getDecoder().decode(shot.path("data").asText()));
  }

  @Override
  public void close() throws Exception {
    try {
      socket.abort();
    } finally {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      try (var walk = Files.walk(profile)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
