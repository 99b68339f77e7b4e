package dev.scaling.worker.data;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Documents, the unit of a corpus: how a source's files are read into documents, which documents
 * are held out, and the UTF-8 check every document passes. A document is held out when the CRC-32C
 * of its UTF-8 bytes, as an unsigned fraction of 2^32, is below {@code data.validation_fraction}:
 * the same documents wherever and in whatever order the corpus is read.
 */
public final class Documents {
  /** Largest document read in one piece from a single-file text corpus, in bytes. */
  static final int PIECE = 1 << 20;

  private Documents() {}

  /**
   * One document.
   *
   * @param utf8 its bytes (valid UTF-8 once {@link #checkUtf8} passed)
   * @param where the file (and row) it came from, for messages
   * @param offset byte offset of the document in its file (0 for rows)
   * @param heldOut whether it belongs to the validation split
   */
  public record Document(byte[] utf8, String where, long offset, boolean heldOut) {}

  /** Receives documents in corpus order. */
  @FunctionalInterface
  public interface Sink {
    /** Takes one document. */
    void accept(Document document) throws IOException;
  }

  /** Reads one file of a corpus into documents. */
  @FunctionalInterface
  public interface Reader {
    /**
     * Reads the documents of {@code file}.
     *
     * @param file one of the corpus' files
     * @param single whether it is the whole corpus (a path naming one file)
     * @throws IOException naming the file when it cannot be read or parsed
     */
    void read(FileStatus file, boolean single, DocumentSource.Spec spec, Sink sink)
        throws IOException;
  }

  /** Whether a document with these bytes is held out at {@code fraction}. */
  public static boolean heldOut(byte[] utf8, double fraction) {
    CRC32C crc = new CRC32C();
    crc.update(utf8);
    return heldOut(crc.getValue(), fraction);
  }

  /** Whether a document whose CRC-32C is {@code crc} is held out at {@code fraction}. */
  static boolean heldOut(long crc, double fraction) {
    return crc < fraction * 4294967296.0;
  }

  /**
   * Throws unless {@code doc} is valid UTF-8, naming where it came from and the byte offset (in its
   * file) of the first bad sequence.
   */
  static void checkUtf8(Document doc) throws IOException {
    try {
      TextCorpus.checkUtf8(new ByteArrayInputStream(doc.utf8()), doc.where());
    } catch (IOException e) {
      if (doc.offset() == 0) {
        throw e;
      }
      // Re-base the offset from the piece to the file.
      String m = e.getMessage();
      int at = m.lastIndexOf("byte offset ");
      if (at < 0) {
        throw e;
      }
      String digits = m.substring(at + 12).replaceAll("[^0-9].*", "");
      long offset = Long.parseLong(digits) + doc.offset();
      throw new IOException(m.substring(0, at + 12) + offset, e);
    }
  }

  /**
   * Text files: one document per file in a folder; a path naming one file is cut at its {@code 1 -
   * validation_fraction} point (moved to a character boundary), the head trained on, the tail held
   * out, each read in pieces of at most {@value #PIECE} bytes.
   */
  static void readText(FileStatus file, boolean single, DocumentSource.Spec spec, Sink sink)
      throws IOException {
    FileSystem fs = FileSystem.get(file.getPath().toUri(), spec.conf());
    String where = file.getPath().toString();
    if (!single) {
      if (file.getLen() > Integer.MAX_VALUE - 16) {
        throw new IOException(where + " exceeds 2 GiB, too large for one document");
      }
      byte[] bytes;
      try (InputStream in = fs.open(file.getPath())) {
        bytes = in.readAllBytes();
      }
      sink.accept(new Document(bytes, where, 0, heldOut(bytes, spec.validationFraction())));
      return;
    }
    long len = file.getLen();
    long cut = len - Math.round(len * spec.validationFraction());
    try (InputStream in = fs.open(file.getPath())) {
      long at = 0;
      byte[] carry = new byte[0];
      while (at < len) {
        boolean tail = at >= cut;
        long end = at < cut ? Math.min(cut, at + PIECE) : Math.min(len, at + PIECE);
        int n = (int) (end - at);
        byte[] piece = new byte[carry.length + n];
        System.arraycopy(carry, 0, piece, 0, carry.length);
        readFully(in, piece, carry.length, n, where);
        long start = at - carry.length;
        at = end;
        // Keep a character cut by the piece's end for the next piece (unless the file ends).
        int keep = 0;
        if (at < len) {
          keep = trailingPartial(piece);
        }
        carry = java.util.Arrays.copyOfRange(piece, piece.length - keep, piece.length);
        byte[] doc = java.util.Arrays.copyOf(piece, piece.length - keep);
        if (doc.length > 0) {
          sink.accept(new Document(doc, where, start, tail));
        }
      }
    }
  }

  /** Bytes at the end of {@code b} that start a UTF-8 sequence the end cuts (0 when none). */
  static int trailingPartial(byte[] b) {
    for (int back = 1; back <= 3 && back <= b.length; back++) {
      int v = b[b.length - back] & 0xFF;
      if ((v & 0xC0) == 0x80) {
        continue; // continuation byte: look further back
      }
      int need = v >= 0xF0 ? 4 : v >= 0xE0 ? 3 : v >= 0xC0 ? 2 : 1;
      return need > back ? back : 0;
    }
    return 0;
  }

  private static void readFully(InputStream in, byte[] b, int off, int n, String where)
      throws IOException {
    int done = 0;
    while (done < n) {
      int r = in.read(b, off + done, n - done);
      if (r < 0) {
        throw new EOFException(where + " ended early (it changed while read?)");
      }
      done += r;
    }
  }

  /** The files of the corpus at {@code path} (a file, or a folder's visible files by name). */
  static List<FileStatus> files(String path, Configuration conf) throws IOException {
    return TextCorpus.files(path, conf);
  }

  /** Whether {@code path} names a folder. */
  static boolean isFolder(String path, Configuration conf) throws IOException {
    URI uri = URI.create(path);
    FileSystem fs = FileSystem.get(uri, conf);
    return fs.getFileStatus(new Path(uri)).isDirectory();
  }
}
