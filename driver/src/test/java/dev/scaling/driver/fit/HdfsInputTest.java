package dev.scaling.driver.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweep fit --input hdfs://...} on an in-process HDFS: CSV and a folder of Parquet part
 * files.
 */
class HdfsInputTest {
  @TempDir static Path tmp;
  private static MiniDFSCluster cluster;
  private static String root;

  @BeforeAll
  static void startHdfs() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("dfs").toString());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    root = cluster.getFileSystem().getUri().toString();
    StringBuilder s = new StringBuilder("N,D,loss\n");
    for (int i = 0; i < 5; i++) {
      double n = 1e7 * Math.pow(300, i / 4.0);
      for (int j = 0; j < 5; j++) {
        double d = 1e9 * Math.pow(100, j / 4.0);
        s.append(
            String.format(
                Locale.ROOT,
                "%.6e,%.6e,%.8f%n",
                n,
                d,
                1.69 + 406.4 / Math.pow(n, 0.34) + 410.7 / Math.pow(d, 0.28)));
      }
    }
    Path csv = tmp.resolve("table.csv");
    Files.writeString(csv, s);
    Path parquet = tmp.resolve("part-00000.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute(
          "COPY (SELECT CAST(N AS BIGINT) AS n_params, CAST(D AS BIGINT) AS tokens, loss AS final_eval_loss,"
              + " 'finished' AS status FROM read_csv_auto('"
              + csv
              + "')) TO '"
              + parquet
              + "' (FORMAT PARQUET)");
    }
    FileSystem fs = cluster.getFileSystem();
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(csv.toUri()), new org.apache.hadoop.fs.Path("/in/table.csv"));
    fs.mkdirs(new org.apache.hadoop.fs.Path("/in/trials"));
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(parquet.toUri()),
        new org.apache.hadoop.fs.Path("/in/trials/part-00000.parquet"));
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @Test
  void fit_readsCsvAndParquetFolderFromHdfs() {
    assertTrue(root.startsWith("hdfs://"), root);
    FitOutcome csv =
        FitCommand.run(
            "--input",
            root + "/in/table.csv",
            "--out",
            tmp.resolve("o1").toString(),
            "--bootstrap",
            "0",
            "--grid",
            "coarse",
            "--form",
            "chinchilla");
    assertEquals(25, csv.analysis().points().size());
    assertEquals(
        0.34,
        csv.analysis().fits().get(0).fit().params().named().get("alpha"),
        1e-3,
        "noise-free data");
    FitOutcome parquet =
        FitCommand.run(
            "--input",
            root + "/in/trials",
            "--out",
            tmp.resolve("o2").toString(),
            "--bootstrap",
            "0",
            "--grid",
            "coarse",
            "--form",
            "chinchilla");
    assertEquals(25, parquet.analysis().points().size());
    assertTrue(new File(tmp.resolve("o2/report/index.html").toString()).isFile());
  }
}
