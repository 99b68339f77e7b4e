package dev.scaling.driver.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The local file system with an object store's latency on each open ({@value #LATENCY_MS} ms,
 * default 25: a GET's time to first byte on S3), for the opt-in scale measurement only.
 */
public final class SlowOpenLocalFileSystem extends LocalFileSystem {
  /** The configuration key of the latency added to each open, in milliseconds. */
  public static final String LATENCY_MS = "test.open.latency.ms";

  /** Makes {@code conf} reach {@code file:} through this class with {@code latencyMs} per open. */
  public static void install(Configuration conf, int latencyMs) {
    conf.set("fs.file.impl", SlowOpenLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    conf.setInt(LATENCY_MS, latencyMs);
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    try {
      Thread.sleep(getConf().getInt(LATENCY_MS, 25));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
    return super.open(f, bufferSize);
  }
}
