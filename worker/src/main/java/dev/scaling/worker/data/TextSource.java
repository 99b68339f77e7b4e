package dev.scaling.worker.data;

import dev.scaling.common.spec.DataSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * The {@code text} source: UTF-8 files at {@code data.path} (any Hadoop FS URI). A folder holds one
 * document per visible file (sorted by name; hidden and {@code _}-prefixed files skipped), held out
 * by the hash of the document ({@link Documents}); a path naming one file is cut at its {@code 1 -
 * validation_fraction} point, the tail held out. See {@link DocumentSource} for the windows.
 */
final class TextSource extends DocumentSource {

  @Override
  public String name() {
    return "text";
  }

  @Override
  void readFile(FileStatus file, boolean single, Spec spec, Documents.Sink sink)
      throws IOException {
    Documents.readText(file, single, spec, sink);
  }

  /**
   * Streams every file once (64 KiB at a time): valid UTF-8, and the bytes of each split (a token
   * covers at least one byte) hold one window of {@code context}.
   */
  @Override
  DataSummary checkFiles(
      DataSpec data, int context, List<FileStatus> files, boolean single, Configuration conf)
      throws IOException {
    if (single) {
      return TextCorpus.preflight(
          name(), vocab(data), data.path(), data.validationFraction(), context, conf);
    }
    FileSystem fs = FileSystem.get(URI.create(data.path()), conf);
    long train = 0;
    long held = 0;
    int heldDocs = 0;
    for (FileStatus file : files) {
      CRC32C crc = new CRC32C();
      try (InputStream in = fs.open(file.getPath())) {
        TextCorpus.checkUtf8(in, file.getPath().toString(), crc);
      }
      if (Documents.heldOut(crc.getValue(), data.validationFraction())) {
        held += file.getLen();
        heldDocs++;
      } else {
        train += file.getLen();
      }
    }
    if (train + held == 0) {
      throw new IOException("text corpus " + data.path() + " is empty");
    }
    if (heldDocs == 0) {
      throw new IOException(
          "text corpus "
              + data.path()
              + " holds no held-out document at validation_fraction "
              + data.validationFraction()
              + " ("
              + files.size()
              + " documents, one per file); raise data.validation_fraction or add documents");
    }
    TextCorpus.checkSplits(data.path(), context, train, held, "bytes");
    return new DataSummary(name(), vocab(data), files.size(), train + held);
  }
}
