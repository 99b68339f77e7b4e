package dev.scaling.worker.data;

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
 * The checks every UTF-8 text corpus read through Hadoop FileSystem (file:, hdfs:, s3a:) passes
 * before it is trained on: which files it holds (a folder contributes every regular file in it,
 * sorted by name, hidden and {@code _}-prefixed files skipped), that each split has a window, and
 * that the bytes are valid UTF-8, streamed so memory stays bounded. {@link #preflight} checks a
 * corpus without holding it; {@link Documents} reads it.
 */
final class TextCorpus {
  /** Largest corpus a worker holds in memory, in bytes. */
  static final long MAX_BYTES = Integer.MAX_VALUE - 16;

  private static final int CHUNK = 1 << 16;

  private TextCorpus() {}

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
}
