package dev.scaling.driver.io;

import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.InputDigest;
import dev.scaling.common.tokenizer.HfSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Computes a spec's {@link InputDigest} through Hadoop FS, so editing a corpus or a tokenizer file
 * in place gives its trials new ids and no old commit is reused for them. The corpus is identified
 * by its manifest, not its bytes (reading a corpus of many GB on every load would cost minutes):
 * for each file the source reads (a single file, or a folder's files whose names start with neither
 * {@code .} nor {@code _}, as the sources list them), its name, size in bytes and modification
 * time. A tokenizer file (Hugging Face {@code tokenizer.json}) is small and hashed by its bytes.
 * Inputs that do not exist give no digest: the corpus preflight then says what is missing.
 */
public final class InputDigests {
  private InputDigests() {}

  /** The digest of {@code data}'s inputs, or null when it reads no existing file. */
  public static InputDigest of(DataSpec data, Configuration conf) throws IOException {
    String corpus = data.path() == null ? null : manifestDigest(data.path(), conf);
    String tokenizer =
        data.tokenizerSettings() instanceof HfSettings hf
            ? bytesDigest(hf.tokenizerFile(), conf)
            : null;
    return corpus == null && tokenizer == null ? null : new InputDigest(corpus, tokenizer);
  }

  /** The manifest of the corpus at {@code path}, one {@code name\tsize\tmtime} line per file. */
  static String manifest(String path, Configuration conf) throws IOException {
    URI uri = URI.create(path);
    FileSystem fs = FileSystem.get(uri, conf);
    Path root = new Path(uri);
    if (!fs.exists(root)) {
      return null;
    }
    FileStatus status = fs.getFileStatus(root);
    List<FileStatus> files = new ArrayList<>();
    if (status.isDirectory()) {
      for (FileStatus child : fs.listStatus(root)) {
        String name = child.getPath().getName();
        if (child.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
          files.add(child);
        }
      }
      files.sort(Comparator.comparing(f -> f.getPath().getName()));
    } else {
      files.add(status);
    }
    StringBuilder sb = new StringBuilder();
    for (FileStatus f : files) {
      sb.append(f.getPath().getName())
          .append('\t')
          .append(f.getLen())
          .append('\t')
          .append(f.getModificationTime())
          .append('\n');
    }
    return sb.toString();
  }

  private static String manifestDigest(String path, Configuration conf) throws IOException {
    String manifest = manifest(path, conf);
    return manifest == null ? null : digest(manifest.getBytes(StandardCharsets.UTF_8));
  }

  private static String bytesDigest(String file, Configuration conf) throws IOException {
    URI uri = URI.create(file);
    FileSystem fs = FileSystem.get(uri, conf);
    Path p = new Path(uri);
    if (!fs.exists(p)) {
      return null;
    }
    try (InputStream in = fs.open(p)) {
      return digest(in.readAllBytes());
    }
  }

  /** The first 16 hex digits of SHA-256. */
  static String digest(byte[] bytes) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
