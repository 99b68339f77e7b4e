package dev.scaling.driver.live;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.apache.spark.SparkContext;
import org.apache.spark.ui.SparkUI;
import org.apache.spark.ui.SparkUITab;
import org.apache.spark.ui.UIUtils;
import scala.Option;
import scala.xml.Node;
import scala.xml.Unparsed;

/**
 * The one place that touches the Spark UI's attach points, which are Scala {@code private[spark]}
 * members (public in bytecode, no compatibility promise): {@code SparkContext.ui()}, {@code
 * SparkUI.attachTab}/{@code detachTab}, {@code SparkUITab}, {@code WebUI.attachHandler(path,
 * servlet, spec)}/{@code detachHandler}, and {@code UIUtils.headerSparkPage} for Spark's page
 * frame. A Spark upgrade that moves one of them fails {@code SparkUiHookTest} (and this class's
 * compilation) instead of breaking the Sweep page silently.
 *
 * <p>The tab is a navigation-bar entry named after the prefix ("sweep" shows as "Sweep"); the
 * servlet is attached as the handler of {@code /<prefix>} and everything under it, behind the UI's
 * own filters and ACLs.
 */
public final class SparkUiHook {
  private final SparkUI ui;
  private final SparkUITab tab;
  private final String path;

  private SparkUiHook(SparkUI ui, SparkUITab tab, String path) {
    this.ui = ui;
    this.tab = tab;
    this.path = path;
  }

  /**
   * Adds a tab named after {@code prefix} to the running UI of {@code sc} and serves {@code
   * servlet} at {@code /<prefix>/}; empty when the UI is disabled ({@code spark.ui.enabled=false}).
   */
  public static Optional<SparkUiHook> attach(SparkContext sc, String prefix, HttpServlet servlet) {
    Option<SparkUI> maybe = sc.ui();
    if (maybe.isEmpty()) {
      return Optional.empty();
    }
    SparkUI ui = maybe.get();
    SparkUITab tab = new SparkUITab(ui, prefix) {};
    ui.attachTab(tab);
    ui.attachHandler("/" + prefix, servlet, "/*");
    return Optional.of(new SparkUiHook(ui, tab, "/" + prefix));
  }

  /**
   * A whole HTML page in Spark's frame (navigation bar with this tab active, Spark's styles),
   * {@code bodyHtml} as its content, as {@code headerSparkPage} renders it.
   */
  public String frame(HttpServletRequest request, String title, String bodyHtml) {
    scala.collection.immutable.Seq<Node> content = new Unparsed(bodyHtml);
    scala.collection.immutable.Seq<Node> page =
        UIUtils.headerSparkPage(request, title, () -> content, tab, Option.empty(), false, false);
    return "<!DOCTYPE html>" + page.toString();
  }

  /** The UI's address, e.g. {@code http://host:4040}. */
  public String webUrl() {
    return ui.webUrl();
  }

  /** The page's address, e.g. {@code http://host:4040/sweep/}. */
  public String pageUrl() {
    return ui.webUrl() + path + "/";
  }

  /** Removes the tab and the handler. */
  public void detach() {
    ui.detachTab(tab);
    ui.detachHandler(path);
  }
}
