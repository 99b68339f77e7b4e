package dev.scaling.worker.data;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

/**
 * The token shards of a complete {@link TokenCache}, read by offset: a split is the concatenation
 * of its parts, and a window is one positioned read (two where it spans parts). Nothing but the
 * index and the token byte lengths is held in memory. Instances are shared by the trials of a JVM
 * ({@link #open}) and are thread-safe.
 */
public final class TokenShards {
  private static final int CACHE_SIZE = 4;
  private static final List<TokenShards> CACHE = new ArrayList<>();

  private final String folder;
  private final int vocab;
  private final int[] tokenBytes;
  private final Split train;
  private final Split validation;

  private TokenShards(String folder, Properties index, int[] tokenBytes, Configuration conf) {
    this.folder = folder;
    this.vocab = Integer.parseInt(index.getProperty("vocab"));
    this.tokenBytes = tokenBytes;
    int width = Integer.parseInt(index.getProperty("width"));
    int parts = Integer.parseInt(index.getProperty("parts"));
    this.train = new Split(folder, "train", index, parts, width, conf);
    this.validation = new Split(folder, "validation", index, parts, width, conf);
  }

  /**
   * The shards of the complete cache at {@code location}, shared per JVM.
   *
   * @throws IOException when the index or the token lengths cannot be read
   */
  public static TokenShards open(TokenCache.Location location, Configuration conf)
      throws IOException {
    synchronized (CACHE) {
      for (TokenShards s : CACHE) {
        if (s.folder.equals(location.folder())) {
          return s;
        }
      }
      Properties index = TokenCache.readIndex(location, conf);
      Path lengths = new Path(URI.create(location.folder() + "/token-bytes.bin"));
      byte[] raw;
      try (InputStream in = lengths.getFileSystem(conf).open(lengths)) {
        raw = in.readAllBytes();
      }
      ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
      int[] tokenBytes = new int[raw.length / 4];
      for (int i = 0; i < tokenBytes.length; i++) {
        tokenBytes[i] = b.getInt();
      }
      TokenShards s = new TokenShards(location.folder(), index, tokenBytes, conf);
      CACHE.add(s);
      if (CACHE.size() > CACHE_SIZE) {
        CACHE.remove(0);
      }
      return s;
    }
  }

  /** Vocabulary of the tokenizer that wrote them. */
  public int vocab() {
    return vocab;
  }

  /** The training split. */
  public Split train() {
    return train;
  }

  /** The held-out split. */
  public Split validation() {
    return validation;
  }

  /** UTF-8 bytes token {@code id} stands for. */
  public int tokenBytes(int id) {
    return tokenBytes[id];
  }

  /** One split: its parts' token arrays, concatenated. */
  public static final class Split {
    private final String[] files;
    private final long[] starts; // token offset of each part; last = total
    private final int width;
    private final long bytes;
    private final long documents;
    private final Configuration conf;
    private final FSDataInputStream[] streams;

    Split(String folder, String name, Properties index, int parts, int width, Configuration conf) {
      this.width = width;
      this.conf = conf;
      this.files = new String[parts];
      this.starts = new long[parts + 1];
      this.streams = new FSDataInputStream[parts];
      long b = 0;
      long d = 0;
      for (int i = 0; i < parts; i++) {
        long[] s = TokenCache.sizes(index, "part." + i + "." + name);
        files[i] = String.format(Locale.ROOT, "%s/%s-%05d.bin", folder, name, i);
        starts[i + 1] = starts[i] + s[0];
        b += s[1];
        d += s[2];
      }
      this.bytes = b;
      this.documents = d;
    }

    /** Tokens in the split. */
    public long tokens() {
      return starts[starts.length - 1];
    }

    /** UTF-8 bytes of its documents. */
    public long bytes() {
      return bytes;
    }

    /** Documents in it. */
    public long documents() {
      return documents;
    }

    /**
     * Reads tokens {@code [offset, offset + count)} into {@code dest} from {@code destOffset}.
     *
     * @throws IOException when a shard cannot be read
     */
    public synchronized void read(long offset, int count, long[] dest, int destOffset)
        throws IOException {
      int done = 0;
      while (done < count) {
        long at = offset + done;
        int part = partOf(at);
        long local = at - starts[part];
        int n = (int) Math.min(count - done, starts[part + 1] - at);
        byte[] buf = new byte[n * width];
        stream(part).readFully(local * width, buf, 0, buf.length);
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
          dest[destOffset + done + i] = width == 2 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
        }
        done += n;
      }
    }

    private int partOf(long at) {
      int lo = 0;
      int hi = files.length - 1;
      while (lo < hi) {
        int mid = (lo + hi + 1) >>> 1;
        if (starts[mid] <= at) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      // Skip empty parts that share the start.
      while (lo < files.length - 1 && starts[lo + 1] <= at) {
        lo++;
      }
      return lo;
    }

    private FSDataInputStream stream(int part) throws IOException {
      if (streams[part] == null) {
        Path p = new Path(URI.create(files[part]));
        org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(conf);
        if (fs instanceof org.apache.hadoop.fs.LocalFileSystem local) {
          // Positioned reads on the raw local file (a FileChannel read each): the checksummed
          // stream re-reads and verifies a whole chunk per window, about 20x slower.
          fs = local.getRawFileSystem();
        }
        streams[part] = fs.open(p);
      }
      return streams[part];
    }
  }
}
