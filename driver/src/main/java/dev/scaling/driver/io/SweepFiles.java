package dev.scaling.driver.io;

import dev.scaling.common.spec.SpecException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Small file operations on any Hadoop FS URI (file:, hdfs:, s3a:) that the driver needs around a
 * sweep: reading the spec, checking OUT is writable before Spark starts, and writing small files
 * atomically (temporary name, then rename).
 */
public final class SweepFiles {
  private SweepFiles() {}

  /** The fully qualified form of a path (a relative local path becomes an absolute file: URI). */
  public static String qualify(String location, Configuration conf) throws IOException {
    Path p = new Path(location);
    return p.getFileSystem(conf).makeQualified(p).toString();
  }

  /** Reads a whole UTF-8 text file. */
  public static String readText(String location, Configuration conf) throws IOException {
    Path p = new Path(location);
    FileSystem fs = p.getFileSystem(conf);
    if (!fs.exists(p)) {
      throw new SpecException(
          "SPEC", "an existing file", qualify(location, conf) + " (no such file)");
    }
    try (InputStream in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Reads a whole UTF-8 text file, or returns null when it does not exist. */
  public static String readTextIfExists(String location, Configuration conf) throws IOException {
    Path p = new Path(location);
    return p.getFileSystem(conf).exists(p) ? readText(location, conf) : null;
  }

  /** Writes text to a temporary sibling and renames it into place, replacing an older file. */
  public static void writeText(String location, String text, Configuration conf)
      throws IOException {
    Path target = new Path(location);
    FileSystem fs = target.getFileSystem(conf);
    fs.mkdirs(target.getParent());
    Path tmp =
        new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
    try (OutputStream out = fs.create(tmp, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    fs.delete(target, false);
    if (!fs.rename(tmp, target)) {
      fs.delete(tmp, false);
      throw new IOException("could not rename " + tmp + " to " + target);
    }
  }

  /**
   * Fails unless {@code outDir} exists as a folder or can be created, and a file can be written in
   * it. Runs before any SparkContext starts, so a typo in OUT costs no executor time.
   */
  public static void checkWritable(String outDir, Configuration conf) throws IOException {
    Path dir = new Path(outDir);
    FileSystem fs = dir.getFileSystem(conf);
    if (fs.exists(dir) && !fs.getFileStatus(dir).isDirectory()) {
      throw new SpecException("--out", "a folder", outDir + " (a file)");
    }
    Path probe = new Path(dir, ".write-probe-" + UUID.randomUUID());
    try {
      fs.mkdirs(dir);
      fs.create(probe, true).close();
      fs.delete(probe, false);
    } catch (IOException e) {
      throw new SpecException("--out", "a writable folder", outDir + " (" + e.getMessage() + ")");
    }
  }
}
