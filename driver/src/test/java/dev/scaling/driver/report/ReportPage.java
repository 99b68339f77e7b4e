package dev.scaling.driver.report;

import dev.scaling.driver.live.Chromium;
import dev.scaling.driver.live.DevTools;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A report page in the browser: the scripts {@link ReportBrowserIT} evaluates in it, and {@link
 * #main} to screenshot a run's report for the docs (offline, full page).
 */
public final class ReportPage {
  private ReportPage() {}

  /**
   * Per chart div: its coloured pixels (canvas) or paths (SVG); the number of divs and of charts
   * the script drew, their titles, and the errors of any that failed.
   */
  static final String DRAWN =
      """
      (() => {
        const divs = Array.from(document.querySelectorAll('div.chart'));
        const ink = divs.map(d => {
          const c = d.querySelector('canvas');
          if (c) {
            const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < data.length; i += 4) {
              if (data[i + 3] > 0 && (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200)) n++;
            }
            return n;
          }
          const s = d.querySelector('svg');
          return s ? s.querySelectorAll('path').length : 0;
        });
        const charts = window.scalingCharts || [];
        return {divs: divs.length, charts: charts.length, ink: ink,
          titles: charts.map(c => c.model.title),
          errors: divs.filter(d => d.hasAttribute('data-error')).map(d => d.getAttribute('data-error'))};
      })()
      """;

  /**
   * The measured point (one with a tooltip) of the first chart titled {@code prefix} farthest from
   * its nearest neighbour, scrolled into view: its chart index, viewport pixel and trial id; null
   * without such a chart.
   */
  static String pick(String prefix) {
    return """
        ((prefix) => {
          const k = scalingCharts.findIndex(c => c.model.title.startsWith(prefix));
          if (k < 0) return null;
          const c = scalingCharts[k];
          c.div.scrollIntoView({block: 'center'});
          const cands = [];
          c.model.series.forEach((s, si) => s.points.forEach((p, pi) => {
            if (p.tip) cands.push([si, pi]);
          }));
          if (!cands.length) return null;
          const px = cands.map(([si, pi]) => c.pixel(si, pi));
          let best = 0, gap = -1;
          px.forEach((p, i) => {
            let d = Infinity;
            px.forEach((q, j) => { if (j !== i) d = Math.min(d, Math.hypot(p[0] - q[0], p[1] - q[1])); });
            if (d > gap) { gap = d; best = i; }
          });
          const [si, pi] = cands[best];
          return {chart: k, x: px[best][0], y: px[best][1], gap: gap,
            id: c.model.series[si].points[pi].tip.title};
        })(%s)
        """
        .formatted(quote(prefix));
  }

  /** The visible tooltip text of chart {@code k}. */
  static String tooltip(int k) {
    return """
        (() => {
          const c = scalingCharts[%d];
          return Array.from(c.div.querySelectorAll('div'))
            .filter(d => d.style.zIndex === '9999999' && d.style.display !== 'none'
              && d.style.visibility !== 'hidden')
            .map(d => d.innerText).join('\\n');
        })()
        """
        .formatted(k);
  }

  /**
   * Toggles chart {@code k}'s first legend entry twice, as two clicks do: the legend's selection
   * after each, the entries, and the chart's CSV export.
   */
  static String isolate(int k) {
    return """
        (() => {
          const c = scalingCharts[%d];
          const names = c.chart.getOption().legend[0].data.map(d => typeof d === 'string' ? d : d.name);
          const n = names[0];
          c.chart.dispatchAction({type: 'legendToggleSelect', name: n});
          const first = Object.assign({}, c.chart.getOption().legend[0].selected);
          c.chart.dispatchAction({type: 'legendToggleSelect', name: n});
          const second = Object.assign({}, c.chart.getOption().legend[0].selected);
          return {name: n, names: names, first: first, second: second, csv: c.csv()};
        })()
        """
        .formatted(k);
  }

  private static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /**
   * Screenshots a run's report, offline and full page: {@code ReportPage OUT PNG}, e.g. {@code OUT}
   * = out/quickstart and {@code PNG} = docs/img/quickstart-report.png. Run it with the test
   * classpath (see the docs for the command).
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ReportPage OUT_FOLDER PNG_FILE");
      System.exit(2);
    }
    Path index = Path.of(args[0]).resolve("report/index.html").toAbsolutePath();
    if (!Files.isRegularFile(index)) {
      System.err.println("no report at " + index);
      System.exit(1);
    }
    try (DevTools page = DevTools.start(Chromium.require(), true, 1280, 900)) {
      page.open(index.toUri().toString());
      Thread.sleep(2000);
      page.screenshot(Path.of(args[1]));
    }
    System.out.println("wrote " + args[1]);
  }
}
