package dev.scaling.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile cluster cannot do to a sweep, on a real standalone cluster (Master + 2 Workers of
 * 2 cores, separate JVMs on 127.0.0.1): a trial that kills its executor on every attempt is
 * committed as failed while the other trials finish, and the driver's UI refuses an anonymous
 * request for the Sweep page's JSON when the templates' UI filter is on.
 */
class ClusterSafetyIT {
  static LocalCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    assertTrue(
        Files.isRegularFile(LocalCluster.APP_JAR), "run after package: " + LocalCluster.APP_JAR);
    cluster = LocalCluster.start("it-safety", 2, 2, "2g");
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void poisonTrial_isCommittedFailedAndTheOtherTrialsFinish(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("poison.yaml");
    Files.writeString(spec, ClusterSweepIT.spec("poison", "[16, 32, 48, 64]", "[16384]", "[0]"));
    Path out = dir.resolve("out");
    long t0 = System.nanoTime();
    int exit;
    String output;
    try (Submission run =
        Submission.start(
            cluster.masterUrl,
            spec,
            out,
            dir,
            Map.of(
                "spark.task.maxFailures", "2",
                // Test only: the width-48 trial halts its executor's JVM on every attempt.
                "spark.sweep.test.haltExecutorOnTrial", "width=48"))) {
      exit = run.await(240);
      output = run.output();
      // The sweep's timeline as the driver printed it, for the report.
      for (Submission.Line l : run.lines()) {
        if (l.text()
            .matches(
                ".*(trial \\w+ \\(.*\\) (done|attempt)|lost its executor|runs again alone|resubmitting).*")) {
          System.out.printf("[it] +%5.1fs %s%n", (l.nanos() - t0) / 1e9, l.text());
        }
      }
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    assertEquals(3, exit, "some trial failed: exit 3\n" + output);
    Map<Integer, String[]> byWidth = new HashMap<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT width, status, error FROM read_parquet('"
                    + out.resolve("trials")
                    + "/*.parquet')")) {
      while (rs.next()) {
        byWidth.put(rs.getInt(1), new String[] {rs.getString(2), rs.getString(3)});
      }
    }
    assertEquals(4, byWidth.size(), output);
    String[] poison = byWidth.get(48);
    assertEquals("failed", poison[0], output);
    assertTrue(
        poison[1].contains("all 2 attempts of this trial failed, losing their executor")
            && poison[1].contains("ExecutorLostFailure")
            && poison[1].contains("exited caused by one of the running tasks"),
        poison[1]);
    for (int w : new int[] {16, 32, 64}) {
      assertEquals("finished", byWidth.get(w)[0], "width " + w + ": " + byWidth.get(w)[1]);
    }
    assertEquals(
        4, Files.list(out.resolve("commits")).filter(f -> f.toString().endsWith(".json")).count());
    long lost = output.lines().filter(l -> l.contains("lost (ExecutorLostFailure)")).count();
    boolean isolated = output.contains("each runs again alone");
    System.out.printf(
        "[it] poison trial: exit %d, 3 finished, 1 failed (width 48) in %.1fs wall;"
            + " %d lost attempt(s) reported; neighbours isolated: %s%n",
        exit, wall, lost, isolated);
  }

  @Test
  void uiFilter_anonymousSweepJsonIsRefusedAndTheUserGetsIt(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("ui.yaml");
    Files.writeString(spec, ClusterSweepIT.spec("closedui", "[32]", "[65536]", "[0]"));
    Path out = dir.resolve("out");
    // The security lines of the standalone template, its placeholders filled in.
    Map<String, String> conf = new TreeMap<>();
    for (String line :
        Files.readAllLines(
            LocalCluster.ROOT.resolve("deploy/conf/spark-defaults.standalone.conf"))) {
      String[] kv = line.trim().split("\\s+", 2);
      if (kv.length == 2
          && (kv[0].startsWith("spark.ui.")
              || kv[0].startsWith("spark.dev.scaling.driver.ui.")
              || kv[0].matches("spark\\.(acls\\.enable|modify\\.acls|admin\\.acls)")
              || kv[0].equals("spark.io.encryption.enabled"))) {
        conf.put(
            kv[0], kv[1].replace("<UI_USER>", "operator").replace("<UI_PASSWORD>", "it-secret"));
      }
    }
    assertEquals("dev.scaling.driver.ui.BasicAuthFilter", conf.get("spark.ui.filters"), "" + conf);
    assertEquals("operator", conf.get("spark.ui.view.acls"), "" + conf);
    conf.remove("spark.ui.showConsoleProgress");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try (Submission run = Submission.start(cluster.masterUrl, spec, out, dir, conf)) {
      long deadline = System.nanoTime() + 180_000_000_000L;
      String[] ids = null;
      while (ids == null && System.nanoTime() < deadline && run.process.isAlive()) {
        ids = run.uiAndAppId();
        Thread.sleep(100);
      }
      assertNotNull(ids, "driver never printed its UI:\n" + run.output());
      String url = ids[0] + "/sweep/json";
      HttpResponse<String> anonymous =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.ofString());
      String token =
          Base64.getEncoder().encodeToString("operator:it-secret".getBytes(StandardCharsets.UTF_8));
      HttpResponse<String> user =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("Authorization", "Basic " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> environment =
          http.send(
              HttpRequest.newBuilder(URI.create(ids[0] + "/environment/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(401, anonymous.statusCode(), anonymous.body());
      assertTrue(!anonymous.body().contains("closedui"), anonymous.body());
      assertEquals(401, environment.statusCode());
      assertEquals(200, user.statusCode(), user.body());
      assertTrue(
          user.body().contains("\"planned\"") && user.body().contains("closedui"), user.body());
      assertEquals(0, run.await(240), run.output());
      System.out.printf(
          "[it] UI filter: anonymous GET %s -> %d, /environment/ -> %d; as operator -> %d (%d"
              + " bytes of JSON)%n",
          url,
          anonymous.statusCode(),
          environment.statusCode(),
          user.statusCode(),
          user.body().length());
    }
  }
}
