package dev.scaling.driver.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small files replaced atomically: a reader never finds OUT without its spec. */
class SweepFilesTest {
  @Test
  void writeText_replacesAFileWithoutEverLeavingTheNameEmpty(@TempDir Path dir) throws Exception {
    Configuration conf = new Configuration();
    Path spec = dir.resolve("spec.yaml");
    String location = spec.toUri().toString();
    SweepFiles.writeText(location, "version: 0\n", conf);
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger missing = new AtomicInteger();
    AtomicInteger looks = new AtomicInteger();
    Thread reader =
        new Thread(
            () -> {
              while (!done.get()) {
                looks.incrementAndGet();
                if (!Files.exists(spec)) {
                  missing.incrementAndGet();
                }
              }
            });
    reader.start();
    try {
      for (int i = 1; i <= 100; i++) {
        SweepFiles.writeText(location, "version: " + i + "\n", conf);
      }
    } finally {
      done.set(true);
      reader.join();
    }
    assertEquals(0, missing.get(), "times spec.yaml was absent, of " + looks.get() + " looks");
    assertEquals("version: 100\n", SweepFiles.readText(location, conf));
    try (var files = Files.list(dir)) {
      assertEquals(
          1,
          files.filter(p -> !p.getFileName().toString().endsWith(".crc")).count(),
          "no tmp left");
    }
  }

  @Test
  void writeText_replacesAFileOnHdfs(@TempDir Path dir) throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("dfs").toString());
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    try {
      String spec = cluster.getFileSystem().getUri() + "/out/spec.yaml";
      Configuration hdfs = cluster.getConfiguration(0);
      SweepFiles.writeText(spec, "a: 1\n", hdfs);
      SweepFiles.writeText(spec, "a: 2\n", hdfs);
      assertEquals("a: 2\n", SweepFiles.readText(spec, hdfs));
      assertEquals(
          1, cluster.getFileSystem().listStatus(new org.apache.hadoop.fs.Path("/out")).length);
    } finally {
      cluster.shutdown();
    }
  }
}
