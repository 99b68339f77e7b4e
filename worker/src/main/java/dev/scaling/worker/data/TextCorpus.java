package dev.scaling.worker.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A UTF-8 text corpus read through Hadoop FileSystem (file:, hdfs:, s3a:) and tokenised as bytes
 * (vocabulary 256). A folder contributes every regular file in it, sorted by name (hidden and
 * {@code _}-prefixed files skipped). The last {@code validationFraction} of the concatenated bytes is held
 * out for evaluation, so the split is the same wherever the corpus is read.
 */
public final class TextCorpus {
  private static final int CACHE_SIZE = 2;
  private static final List<TextCorpus> CACHE = new ArrayList<>();

  private final String path;
  private final double validationFraction;
  private final byte[] train;
  private final byte[] validation;

  private TextCorpus(String path, double validationFraction, byte[] train, byte[] validation) {
    this.path = path;
    this.validationFraction = validationFraction;
    this.train = train;
    this.validation = validation;
  }

  /**
   * Reads and validates the corpus at {@code path}.
   *
   * @param path a file or folder URI
   * @param validationFraction share held out at the end, in (0, 1)
   * @param conf Hadoop configuration used to resolve the file system
   * @return the split corpus
   * @throws IOException when the path is missing, unreadable, empty or not valid UTF-8; the message
   *     names the file (and the byte offset of invalid UTF-8)
   */
  public static TextCorpus read(String path, double validationFraction, Configuration conf) throws IOException {
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException("validationFraction must be in (0, 1), found " + validationFraction);
    }
    URI uri = URI.create(path);
    FileSystem fs = FileSystem.get(uri, conf == null ? new Configuration() : conf);
    Path root = new Path(uri);
    if (!fs.exists(root)) {
      throw new IOException("text corpus " + path + " does not exist");
    }
    List<FileStatus> files = new ArrayList<>();
    FileStatus status = fs.getFileStatus(root);
    if (status.isDirectory()) {
      for (FileStatus child : fs.listStatus(root)) {
        String name = child.getPath().getName();
        if (child.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
          files.add(child);
        }
      }
      files.sort(Comparator.comparing(f -> f.getPath().getName()));
      if (files.isEmpty()) {
        throw new IOException("text corpus folder " + path + " holds no files");
      }
    } else {
      files.add(status);
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (FileStatus file : files) {
      byte[] bytes;
      try (InputStream in = fs.open(file.getPath())) {
        bytes = in.readAllBytes();
      } catch (IOException e) {
        throw new IOException("cannot read text corpus file " + file.getPath() + ": " + e.getMessage(), e);
      }
      validateUtf8(bytes, file.getPath().toString());
      if ((long) all.size() + bytes.length > Integer.MAX_VALUE - 16) {
        throw new IOException("text corpus " + path + " exceeds 2 GiB, too large to hold in memory");
      }
      all.write(bytes);
    }
    byte[] bytes = all.toByteArray();
    if (bytes.length == 0) {
      throw new IOException("text corpus " + path + " is empty");
    }
    int held = (int) Math.round(bytes.length * validationFraction);
    int cut = bytes.length - held;
    return new TextCorpus(
        path, validationFraction, Arrays.copyOfRange(bytes, 0, cut), Arrays.copyOfRange(bytes, cut, bytes.length));
  }

  /** Like {@link #read} but shares one instance per (path, fraction) among trials in this JVM. */
  public static TextCorpus cached(String path, double validationFraction, Configuration conf) throws IOException {
    synchronized (CACHE) {
      for (TextCorpus corpus : CACHE) {
        if (corpus.path.equals(path) && corpus.validationFraction == validationFraction) {
          return corpus;
        }
      }
      TextCorpus corpus = read(path, validationFraction, conf);
      CACHE.add(corpus);
      if (CACHE.size() > CACHE_SIZE) {
        CACHE.remove(0);
      }
      return corpus;
    }
  }

  /** Throws an IOException naming {@code name} and the first bad byte offset unless valid UTF-8. */
  static void validateUtf8(byte[] bytes, String name) throws IOException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(8192);
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isError()) {
        throw new IOException(name + " is not valid UTF-8: bad byte sequence at byte offset " + in.position());
      }
      if (result.isOverflow()) {
        out.clear();
      } else {
        break;
      }
    }
    CoderResult flush = decoder.flush(out);
    if (flush.isError()) {
      throw new IOException(name + " is not valid UTF-8 at its end (byte offset " + bytes.length + ")");
    }
  }

  /** Where the corpus was read from. */
  public String path() {
    return path;
  }

  /** Number of training bytes (tokens). */
  public int trainSize() {
    return train.length;
  }

  /** Number of held-out bytes (tokens). */
  public int validationSize() {
    return validation.length;
  }

  /** The training split; shared, do not modify. */
  byte[] trainTokens() {
    return train;
  }

  /** The held-out split; shared, do not modify. */
  byte[] validationTokens() {
    return validation;
  }
}
