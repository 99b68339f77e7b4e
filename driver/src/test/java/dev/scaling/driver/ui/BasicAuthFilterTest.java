package dev.scaling.driver.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.driver.live.SweepWatch;
import dev.scaling.driver.plan.Plan;
import dev.scaling.driver.plan.Planner;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UI filter on a real {@code local[2]} Spark UI configured as the cluster templates do: an
 * anonymous or wrongly authenticated request for the Sweep page's JSON, a REST call or the
 * Environment tab is refused with 401, the right user gets the page, and Spark's ACLs act on the
 * user the filter names.
 */
class BasicAuthFilterTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static SparkContext start(String viewAcls) {
    return new SparkContext(
        new SparkConf()
            .setMaster("local[2]")
            .setAppName("BasicAuthFilterTest")
            .set("spark.ui.enabled", "true")
            .set("spark.ui.port", "0")
            .set("spark.ui.filters", BasicAuthFilter.class.getName())
            .set(BasicAuthFilter.confKey("user"), "alice")
            .set(BasicAuthFilter.confKey("password"), "s3cret:with colon")
            .set("spark.acls.enable", "true")
            .set("spark.ui.view.acls", viewAcls)
            .set("spark.admin.acls", viewAcls));
  }

  static HttpResponse<String> get(String url, String user, String password) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (user != null) {
      b.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static Plan plan() {
    return Planner.plan(
        SpecParser.parse(
            """
            name: closed
            seed: 1
            data: {source: synthetic}
            model: {context: 16, head_size: 8}
            grid: {width: [8, 16], depth: [1], tokens: [4096]}
            training: {batch_size: 4, learning_rate: 1.0e-3, eval_interval: 10}
            """));
  }

  @Test
  void filter_refusesAnonymousAndWrongUsersAndLetsTheUserIn(@TempDir Path out) throws Exception {
    SparkContext sc = start("alice");
    try {
      SweepWatch watch =
          SweepWatch.start(
              sc, plan(), List.of(), out.toUri().toString(), new Configuration(), null);
      try {
        String ui = sc.uiWebUrl().get();
        for (String path :
            List.of("/sweep/json", "/sweep/", "/environment/", "/api/v1/applications")) {
          HttpResponse<String> anonymous = get(ui + path, null, null);
          assertEquals(401, anonymous.statusCode(), path + ": " + anonymous.body());
          assertTrue(
              anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic "),
              path + " " + anonymous.headers().map());
          assertFalse(anonymous.body().contains("closed"), anonymous.body());
          assertEquals(401, get(ui + path, "alice", "wrong").statusCode(), path);
          assertEquals(401, get(ui + path, "mallory", "s3cret:with colon").statusCode(), path);
        }
        HttpResponse<String> json = get(ui + "/sweep/json", "alice", "s3cret:with colon");
        assertEquals(200, json.statusCode(), json.body());
        assertEquals(
            2, new ObjectMapper().readTree(json.body()).path("progress").path("planned").asInt());
        assertEquals(200, get(ui + "/environment/", "alice", "s3cret:with colon").statusCode());
      } finally {
        watch.close();
      }
    } finally {
      sc.stop();
    }
  }

  @Test
  void filter_namesTheUserSoSparksAclsApply() throws Exception {
    SparkContext sc = start("carol");
    try {
      // alice authenticates, but only carol may view: Spark's ACL check sees alice and refuses.
      HttpResponse<String> r = get(sc.uiWebUrl().get() + "/jobs/", "alice", "s3cret:with colon");
      assertEquals(403, r.statusCode(), r.body());
      assertTrue(r.body().contains("alice"), r.body());
    } finally {
      sc.stop();
    }
  }

  static FilterConfig config(Map<String, String> params) {
    return new FilterConfig() {
      @Override
      public String getFilterName() {
        return "basic";
      }

      @Override
      public ServletContext getServletContext() {
        return null;
      }

      @Override
      public String getInitParameter(String name) {
        return params.get(name);
      }

      @Override
      public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(params.keySet());
      }
    };
  }

  @Test
  void init_refusesMissingAndPlaceholderSecrets() {
    ServletException missing =
        assertThrows(
            ServletException.class,
            () -> new BasicAuthFilter().init(config(Map.of("user", "alice"))));
    assertEquals(
        "spark.dev.scaling.driver.ui.BasicAuthFilter.param.password must be set for the UI's basic"
            + " authentication, found none",
        missing.getMessage());
    ServletException placeholder =
        assertThrows(
            ServletException.class,
            () ->
                new BasicAuthFilter()
                    .init(config(Map.of("user", "alice", "password", "<UI_PASSWORD>"))));
    assertTrue(
        placeholder.getMessage().endsWith("placeholder <UI_PASSWORD>"), placeholder.getMessage());
  }

  @Test
  void authenticated_acceptsOnlyTheExactPair() throws Exception {
    BasicAuthFilter f = new BasicAuthFilter();
    f.init(config(Map.of("user", "alice", "password", "pw")));
    String good = Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8));
    assertTrue(f.authenticated("Basic " + good));
    assertTrue(f.authenticated("basic " + good));
    assertFalse(f.authenticated(null));
    assertFalse(f.authenticated("Bearer " + good));
    assertFalse(f.authenticated("Basic !!notbase64"));
    for (String pair : List.of("alice:pw2", "alice:p", "alic:pw", "alicepw", ":pw", "alice:")) {
      String enc = Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
      assertFalse(f.authenticated("Basic " + enc), pair);
    }
  }
}
