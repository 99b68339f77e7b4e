package dev.scaling.worker.data;

import dev.scaling.worker.tokenizer.Tokenizer;
import dev.scaling.worker.tokenizer.Tokens;
import java.io.ByteArrayInputStream;
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
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A UTF-8 text corpus read through Hadoop FileSystem (file:, hdfs:, s3a:) and encoded by a {@link
 * Tokenizer}. A folder contributes every regular file in it, sorted by name (hidden and {@code
 * _}-prefixed files skipped), each encoded on its own and the tokens concatenated. The last {@code
 * validationFraction} of the tokens is held out for evaluation, so the split is the same wherever
 * the corpus is read. {@link #preflight} checks a corpus by streaming it, without holding it.
 */
public final class TextCorpus {
  /** Largest corpus a worker holds in memory, in bytes. */
  static final long MAX_BYTES = Integer.MAX_VALUE - 16;

  private static final int CACHE_SIZE = 2;
  private static final List<TextCorpus> CACHE = new ArrayList<>();
  private static final int CHUNK = 1 << 16;

  private final String path;
  private final double validationFraction;
  private final String tokenizer;
  private final Tokens train;
  private final Tokens validation;

  private TextCorpus(
      String path, double validationFraction, String tokenizer, Tokens train, Tokens validation) {
    this.path = path;
    this.validationFraction = validationFraction;
    this.tokenizer = tokenizer;
    this.train = train;
    this.validation = validation;
  }

  /**
   * The files of the corpus at {@code path}, in reading order.
   *
   * @throws IOException when the path is missing or a folder without files; the message names it
   */
  static List<FileStatus> files(String path, Configuration conf) throws IOException {
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
    return files;
  }

  /**
   * Checks the corpus at {@code path} without holding it: it exists, its size (from the listing)
   * gives each split at least one window of {@code context} tokens, and every file is valid UTF-8
   * (streamed in 64 KiB chunks). Sizes are in bytes, which is exact for byte tokens and a necessary
   * condition for any tokenizer (a token covers at least one byte); {@link TrialData#forTrial}
   * checks tokens exactly.
   *
   * @return the number of files and their total bytes
   * @throws IOException naming the path, or the file and byte offset of invalid UTF-8
   */
  static DataSummary preflight(
      String source,
      int vocab,
      String path,
      double validationFraction,
      int context,
      Configuration conf)
      throws IOException {
    List<FileStatus> files = files(path, conf);
    long bytes = 0;
    for (FileStatus file : files) {
      bytes += file.getLen();
    }
    if (bytes == 0) {
      throw new IOException("text corpus " + path + " is empty");
    }
    if (bytes > MAX_BYTES) {
      throw new IOException(
          "text corpus "
              + path
              + " exceeds 2 GiB ("
              + bytes
              + " bytes), too large to hold in memory");
    }
    long held = Math.round(bytes * validationFraction);
    checkSplits(path, context, bytes - held, held, "bytes");
    FileSystem fs = FileSystem.get(URI.create(path), conf == null ? new Configuration() : conf);
    for (FileStatus file : files) {
      try (InputStream in = fs.open(file.getPath())) {
        checkUtf8(in, file.getPath().toString());
      }
    }
    return new DataSummary(source, vocab, files.size(), bytes);
  }

  /** Throws unless each split holds at least one window (context + 1 tokens). */
  static void checkSplits(String path, int context, long train, long held, String unit)
      throws IOException {
    if (train < context + 1 || held < context + 1) {
      throw new IOException(
          "text corpus "
              + path
              + " is too small for context "
              + context
              + ": its training split has "
              + train
              + " "
              + unit
              + " and its held-out split "
              + held
              + ", each needs at least "
              + (context + 1));
    }
  }

  /**
   * Reads, validates and encodes the corpus at {@code path}.
   *
   * @param path a file or folder URI
   * @param validationFraction share of the tokens held out at the end, in (0, 1)
   * @param tokenizer encodes each file
   * @param conf Hadoop configuration used to resolve the file system
   * @return the split corpus
   * @throws IOException when the path is missing, unreadable, empty or not valid UTF-8; the message
   *     names the file (and the byte offset of invalid UTF-8)
   */
  public static TextCorpus read(
      String path, double validationFraction, Tokenizer tokenizer, Configuration conf)
      throws IOException {
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "validationFraction must be in (0, 1), found " + validationFraction);
    }
    FileSystem fs = FileSystem.get(URI.create(path), conf == null ? new Configuration() : conf);
    List<Tokens> parts = new ArrayList<>();
    long total = 0;
    for (FileStatus file : files(path, conf)) {
      byte[] bytes;
      try (InputStream in = fs.open(file.getPath())) {
        bytes = in.readAllBytes();
      } catch (IOException e) {
        throw new IOException(
            "cannot read text corpus file " + file.getPath() + ": " + e.getMessage(), e);
      }
      checkUtf8(new ByteArrayInputStream(bytes), file.getPath().toString());
      total += bytes.length;
      if (total > MAX_BYTES) {
        throw new IOException(
            "text corpus " + path + " exceeds 2 GiB, too large to hold in memory");
      }
      parts.add(tokenizer.encodeUtf8(bytes));
    }
    Tokens tokens = Tokens.concat(parts);
    if (tokens.length() == 0) {
      throw new IOException("text corpus " + path + " is empty");
    }
    int held = (int) Math.round(tokens.length() * validationFraction);
    int cut = tokens.length() - held;
    return new TextCorpus(
        path,
        validationFraction,
        tokenizer.name(),
        tokens.slice(0, cut),
        tokens.slice(cut, tokens.length()));
  }

  /**
   * Like {@link #read} but shares one instance per (path, fraction, tokenizer) among trials in this
   * JVM.
   */
  public static TextCorpus cached(
      String path, double validationFraction, Tokenizer tokenizer, Configuration conf)
      throws IOException {
    synchronized (CACHE) {
      for (TextCorpus corpus : CACHE) {
        if (corpus.path.equals(path)
            && corpus.validationFraction == validationFraction
            && corpus.tokenizer.equals(tokenizer.name())) {
          return corpus;
        }
      }
      TextCorpus corpus = read(path, validationFraction, tokenizer, conf);
      CACHE.add(corpus);
      if (CACHE.size() > CACHE_SIZE) {
        CACHE.remove(0);
      }
      return corpus;
    }
  }

  /**
   * Reads {@code in} to its end in 64 KiB chunks and throws an IOException naming {@code name} and
   * the offset of the first bad byte sequence unless it is valid UTF-8. Memory stays bounded
   * whatever the size.
   */
  static void checkUtf8(InputStream in, String name) throws IOException {
    checkUtf8(in, name, null);
  }

  /** Like {@link #checkUtf8(InputStream, String)}, also feeding every byte to {@code sum}. */
  static void checkUtf8(InputStream in, String name, java.util.zip.Checksum sum)
      throws IOException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes = ByteBuffer.allocate(CHUNK);
    CharBuffer chars = CharBuffer.allocate(CHUNK);
    long consumed = 0; // bytes before the buffer's first byte
    boolean end = false;
    while (!end) {
      int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
      if (n < 0) {
        end = true;
      } else {
        bytes.position(bytes.position() + n);
      }
      bytes.flip();
      if (sum != null && n > 0) {
        sum.update(bytes.array(), bytes.limit() - n, n);
      }
      while (true) {
        CoderResult result = decoder.decode(bytes, chars, end);
        if (result.isError()) {
          throw new IOException(
              name
                  + " is not valid UTF-8: bad byte sequence at byte offset "
                  + (consumed + bytes.position()));
        }
        if (!result.isOverflow()) {
          break;
        }
        chars.clear();
      }
      consumed += bytes.position();
      bytes.compact(); // keeps the start of a sequence cut by the chunk's end
    }
    chars.clear();
    if (decoder.flush(chars).isError()) {
      throw new IOException(name + " is not valid UTF-8 at its end (byte offset " + consumed + ")");
    }
  }

  /** Where the corpus was read from. */
  public String path() {
    return path;
  }

  /** Number of training tokens. */
  public int trainSize() {
    return train.length();
  }

  /** Number of held-out tokens. */
  public int validationSize() {
    return validation.length();
  }

  /** The training split. */
  Tokens trainTokens() {
    return train;
  }

  /** The held-out split. */
  Tokens validationTokens() {
    return validation;
  }
}
