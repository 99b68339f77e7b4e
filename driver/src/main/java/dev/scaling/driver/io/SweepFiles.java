package dev.scaling.driver.io;

import dev.scaling.common.spec.SpecException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

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

  /**
   * Writes text to a temporary sibling and renames it over the target in one step, so a reader (or
   * a crash) finds the old file or the new one, never none: on a local file system the temporary
   * file and then the folder are forced to disk around an atomic {@code rename(2)}; on HDFS an
   * overwriting rename, atomic on the name node. Stores without one (S3A, others reached only
   * through {@code FileSystem}) replace the file as well as they can.
   */
  public static void writeText(String location, String text, Configuration conf)
      throws IOException {
    Path target = new Path(location);
    FileSystem fs = target.getFileSystem(conf);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    fs.mkdirs(target.getParent());
    Path tmp =
        new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
    if (fs instanceof LocalFileSystem local) {
      replaceLocal(((RawLocalFileSystem) local.getRaw()).pathToFile(target).toPath(), bytes);
      return;
    }
    if (fs instanceof RawLocalFileSystem raw) {
      replaceLocal(raw.pathToFile(target).toPath(), bytes);
      return;
    }
    try (FSDataOutputStream out = fs.create(tmp, true)) {
      out.write(bytes);
      out.hsync();
    }
    try {
      FileContext.getFileContext(target.toUri(), conf)
          .rename(tmp, target, Options.Rename.OVERWRITE);
    } catch (UnsupportedFileSystemException noContext) {
      // A store Hadoop reaches only as a FileSystem: its rename refuses an existing target.
      if (!fs.rename(tmp, target)) {
        fs.delete(target, false);
        if (!fs.rename(tmp, target)) {
          fs.delete(tmp, false);
          throw new IOException("could not rename " + tmp + " to " + target);
        }
      }
    } catch (IOException e) {
      fs.delete(tmp, false);
      throw e;
    }
  }

  /** Temporary sibling forced to disk, atomic rename over the target, folder forced to disk. */
  private static void replaceLocal(java.nio.file.Path file, byte[] bytes) throws IOException {
    java.nio.file.Path tmp =
        file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      // A checksum of the old content would fail LocalFileSystem's reads of the new one; without
      // one it reads the file unchecked. Removed first, so no crash leaves a stale one.
      Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      CommitLog.syncFolder(file.getParent());
    } finally {
      Files.deleteIfExists(tmp);
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
