package dev.scaling.driver.io;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The local file system, counting the calls an object store bills and waits for: directory
 * listings, opens and status lookups. The scale bench and its tests install it for {@code file:}
 * ({@link #install}) to measure how many listings a resume makes (one per folder, never one per
 * trial), which a local disk hides but S3 does not. Counts are per JVM (the driver's); every thread
 * may call it, and it behaves exactly as {@link LocalFileSystem} otherwise.
 */
public final class CountingLocalFileSystem extends LocalFileSystem {
  private static final AtomicLong LISTINGS = new AtomicLong();
  private static final AtomicLong OPENS = new AtomicLong();
  private static final AtomicLong STATUSES = new AtomicLong();
  // A listing that Hadoop implements through another listing call counts once.
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  /**
   * Calls counted since the last {@link #reset()}.
   *
   * @param listings directory listings (listStatus, listFiles, listLocatedStatus,
   *     listStatusIterator)
   * @param opens files opened for reading
   * @param statuses status lookups (getFileStatus, exists)
   */
  public record Counts(long listings, long opens, long statuses) {
    /** The calls made between {@code earlier} and this snapshot. */
    public Counts since(Counts earlier) {
      return new Counts(
          listings - earlier.listings, opens - earlier.opens, statuses - earlier.statuses);
    }
  }

  /** Makes {@code conf} reach {@code file:} through this class (uncached, so it takes effect). */
  public static void install(Configuration conf) {
    conf.set("fs.file.impl", CountingLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
  }

  /** The counts so far. */
  public static Counts counts() {
    return new Counts(LISTINGS.get(), OPENS.get(), STATUSES.get());
  }

  /** Sets every count to zero. */
  public static void reset() {
    LISTINGS.set(0);
    OPENS.set(0);
    STATUSES.set(0);
  }

  private interface Listing<T> {
    T call() throws IOException;
  }

  private static <T> T listing(Listing<T> call) throws IOException {
    int[] depth = DEPTH.get();
    if (depth[0]++ == 0) {
      LISTINGS.incrementAndGet();
    }
    try {
      return call.call();
    } finally {
      depth[0]--;
    }
  }

  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    return listing(() -> super.listStatus(f));
  }

  @Override
  public RemoteIterator<FileStatus> listStatusIterator(Path p) throws IOException {
    return listing(() -> super.listStatusIterator(p));
  }

  @Override
  public RemoteIterator<LocatedFileStatus> listFiles(Path f, boolean recursive) throws IOException {
    return listing(() -> super.listFiles(f, recursive));
  }

  @Override
  public RemoteIterator<LocatedFileStatus> listLocatedStatus(Path f) throws IOException {
    return listing(() -> super.listLocatedStatus(f));
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    OPENS.incrementAndGet();
    return super.open(f, bufferSize);
  }

  @Override
  public FileStatus getFileStatus(Path f) throws IOException {
    STATUSES.incrementAndGet();
    return super.getFileStatus(f);
  }
}
