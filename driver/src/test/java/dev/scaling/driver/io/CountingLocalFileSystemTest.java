package dev.scaling.driver.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CountingLocalFileSystemTest {
  @Test
  void counts_oneListingPerFolderAndOneOpenPerFile(@TempDir Path dir) throws Exception {
    for (int i = 0; i < 5; i++) {
      Files.writeString(dir.resolve("t" + i + ".json"), "{}");
    }
    Configuration conf = new Configuration();
    CountingLocalFileSystem.install(conf);
    org.apache.hadoop.fs.Path folder = new org.apache.hadoop.fs.Path(dir.toUri());
    FileSystem fs = folder.getFileSystem(conf);
    assertInstanceOf(CountingLocalFileSystem.class, fs);
    CountingLocalFileSystem.Counts before = CountingLocalFileSystem.counts();
    var files = fs.listStatus(folder, p -> p.getName().endsWith(".json"));
    for (var f : files) {
      fs.open(f.getPath()).close();
    }
    CountingLocalFileSystem.Counts made = CountingLocalFileSystem.counts().since(before);
    assertEquals(5, files.length);
    assertEquals(1, made.listings());
    assertEquals(5, made.opens());
  }
}
