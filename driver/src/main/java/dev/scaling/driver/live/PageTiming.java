package dev.scaling.driver.live;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long the Sweep page took to render in a browser, as the page records it on its {@code
 * <body>}: {@code data-render-ms}, from the poll's response arriving to the page updated (table
 * built, curves drawn), and {@code data-first-render-ms}, from navigation start to that first
 * complete render (the fetch included). The page reloads at each poll, so every load is a first
 * render. The scale bench reads both from {@code chromium --headless --dump-dom URL} with {@link
 * #parse}.
 *
 * @param renderMs milliseconds from the response's first byte to the rendered page
 * @param firstRenderMs milliseconds from navigation start to the first complete render
 */
public record PageTiming(double renderMs, double firstRenderMs) {
  private static final Pattern RENDER = attribute("data-render-ms");
  private static final Pattern FIRST = attribute("data-first-render-ms");

  public PageTiming {
    if (!(renderMs >= 0) || !(firstRenderMs >= 0)) {
      throw new IllegalArgumentException(
          "render times must be finite and at least 0, found "
              + renderMs
              + " ms and "
              + firstRenderMs
              + " ms");
    }
  }

  /**
   * The timing recorded in a dumped DOM.
   *
   * @throws IllegalArgumentException when the DOM holds no such attributes (the page's script did
   *     not run to its end: a script error, or a DOM dumped before the page loaded)
   */
  public static PageTiming parse(String dom) {
    return new PageTiming(
        value(RENDER, "data-render-ms", dom), value(FIRST, "data-first-render-ms", dom));
  }

  private static Pattern attribute(String name) {
    return Pattern.compile("<body\\b[^>]*?\\s" + name + "=\"([0-9]+(?:\\.[0-9]+)?)\"");
  }

  private static double value(Pattern p, String name, String dom) {
    Matcher m = p.matcher(dom);
    if (!m.find()) {
      throw new IllegalArgumentException(
          "the page's <body> has no "
              + name
              + " attribute: its timing script did not run (a script error, or the DOM was read"
              + " before load)");
    }
    return Double.parseDouble(m.group(1));
  }
}
