package dev.scaling.worker.data;

import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.worker.tokenizer.Tokenizer;
import dev.scaling.worker.tokenizer.Tokenizers;
import dev.scaling.worker.tokenizer.Trainable;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.StringReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The token cache of a corpus: a folder {@code <root>/<fingerprint>-<tokenizer>} (root {@code
 * data.cache}, else {@code _tokens} beside the corpus; the fingerprint hashes the source, the
 * column, the validation fraction and every file's name, length and modification time) on any
 * Hadoop FS, holding
 *
 * <ul>
 *   <li>{@code merges.txt}: a trained tokenizer's merges (bpe), trained on the training split;
 *   <li>{@code train-NNNNN.bin}, {@code validation-NNNNN.bin}: part N's tokens of each split, a
 *       headerless little-endian array of uint16 (vocabulary up to 65,536) or int32, documents
 *       concatenated in corpus order;
 *   <li>{@code train-NNNNN.idx}, {@code validation-NNNNN.idx}: the part's document boundaries,
 *       int64 little-endian token offsets {@code [0, end of doc 1, ..., tokens]};
 *   <li>{@code token-bytes.bin}: int32 UTF-8 byte length of every token id (for bits per byte);
 *   <li>{@code index.properties}: sizes per split and part, written last (the cache is complete
 *       once it exists).
 * </ul>
 *
 * <p>The parts are built by {@link #countWords} and {@link #tokenizePart}, either in this JVM
 * ({@link #ensure}) or by the driver's Spark job, one task per group of files.
 */
public final class TokenCache {
  /** Name of the index written last. */
  public static final String INDEX = "index.properties";

  static final String FORMAT = "scaling-sweep-tokens-1";

  private static final Map<String, Tokenizer> LOADED = new ConcurrentHashMap<>();

  private TokenCache() {}

  /**
   * Where the cache of {@code data} lives and what it covers.
   *
   * @param folder the cache folder URI
   * @param files the corpus' file URIs, in corpus order
   * @param single whether the path names one file (not a folder)
   */
  public record Location(String folder, List<String> files, boolean single)
      implements Serializable {
    public Location {
      files = List.copyOf(files);
    }

    /** The index URI. */
    public String index() {
      return folder + "/" + INDEX;
    }
  }

  /**
   * Sizes one part wrote, or why it could not.
   *
   * @param part the part number
   * @param train tokens, UTF-8 bytes and documents of its training split
   * @param validation the same of its held-out split
   * @param error what was wrong with the corpus (a file that is not UTF-8, a missing column), null
   *     when none
   */
  public record PartStats(int part, long[] train, long[] validation, String error)
      implements Serializable {}

  /**
   * The cache location of {@code data}: lists the corpus (cheap) and hashes the listing.
   *
   * @throws IOException when the corpus cannot be listed
   */
  public static Location locate(DataSpec data, Configuration conf) throws IOException {
    List<FileStatus> files = Documents.files(data.path(), conf);
    boolean single = !Documents.isFolder(data.path(), conf);
    String root = data.cache();
    if (root == null) {
      String base = single ? new Path(URI.create(data.path())).getParent().toString() : data.path();
      root = strip(base) + "/_tokens";
    }
    StringBuilder sb = new StringBuilder();
    sb.append(data.source().name())
        .append('\n')
        .append(data.walkForm().textColumn()) // text for every source but parquet, as always
        .append('\n')
        .append(data.validationFraction())
        .append('\n')
        .append(single)
        .append('\n');
    List<String> uris = new ArrayList<>();
    for (FileStatus f : files) {
      sb.append(f.getPath().getName())
          .append('\t')
          .append(f.getLen())
          .append('\t')
          .append(f.getModificationTime())
          .append('\n');
      uris.add(f.getPath().toString());
    }
    String key =
        Tokenizers.named(data.tokenizer())
            .cacheKey(data, conf == null ? new Configuration() : conf);
    return new Location(strip(root) + "/" + sha(sb.toString()) + "-" + key, uris, single);
  }

  private static String strip(String uri) {
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }

  static String sha(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new InvariantViolation("SHA-256 is missing from the JDK", e);
    }
  }

  /** Whether the cache at {@code location} is complete (its index exists). */
  public static boolean complete(Location location, Configuration conf) throws IOException {
    Path index = new Path(URI.create(location.index()));
    return index.getFileSystem(conf).exists(index);
  }

  /** Whether the trained tokenizer's file is already in the cache folder. */
  public static boolean trainedFileExists(DataSpec data, Location location, Configuration conf)
      throws IOException {
    Tokenizer t = Tokenizers.named(data.tokenizer());
    if (!t.trained()) {
      return true;
    }
    Path file = new Path(URI.create(location.folder() + "/" + ((Trainable) t).fileName()));
    return file.getFileSystem(conf).exists(file);
  }

  /** The URI of the trained tokenizer's file, or null for an untrained tokenizer. */
  public static String trainedFile(DataSpec data, Location location) {
    Tokenizer t = Tokenizers.named(data.tokenizer());
    return t.trained() ? location.folder() + "/" + ((Trainable) t).fileName() : null;
  }

  /**
   * Counts the pre-tokenized words of the training documents in {@code files} (for training a
   * tokenizer). Bounded by the number of distinct words, not the corpus.
   *
   * @throws IOException naming the file when one cannot be read or is not UTF-8
   */
  public static HashMap<String, Long> countWords(
      DataSpec data, List<String> files, boolean single, Configuration conf) throws IOException {
    Trainable trainer = (Trainable) Tokenizers.named(data.tokenizer());
    HashMap<String, Long> counts = new HashMap<>();
    DocumentSource source = DocumentSource.of(data);
    DocumentSource.Spec spec = new DocumentSource.Spec(data, conf);
    for (String file : files) {
      source.readFile(
          status(file, conf),
          single,
          spec,
          doc -> {
            Documents.checkUtf8(doc);
            if (!doc.heldOut()) {
              trainer.countWords(new String(doc.utf8(), StandardCharsets.UTF_8), counts);
            }
          });
    }
    return counts;
  }

  /** Trains the tokenizer on {@code counts} and writes its file into the cache folder. */
  public static void writeTrained(
      DataSpec data, Location location, Map<String, Long> counts, Configuration conf)
      throws IOException {
    Trainable trainer = (Trainable) Tokenizers.named(data.tokenizer());
    String text = trainer.train(counts, Tokenizers.named(data.tokenizer()).vocabSize(data, conf));
    write(
        location.folder() + "/" + trainer.fileName(), text.getBytes(StandardCharsets.UTF_8), conf);
  }

  /** The tokenizer of {@code data} ready to encode (trained file read from the cache). */
  static Tokenizer loaded(DataSpec data, Location location, Configuration conf) throws IOException {
    String key = location.folder();
    Tokenizer t = LOADED.get(key);
    if (t == null) {
      t = Tokenizers.named(data.tokenizer()).loaded(data, location.folder(), conf);
      LOADED.put(key, t);
    }
    return t;
  }

  private static FileStatus status(String file, Configuration conf) throws IOException {
    Path p = new Path(URI.create(file));
    return p.getFileSystem(conf).getFileStatus(p);
  }

  /**
   * Tokenizes the documents of {@code files} into part {@code part} of both splits.
   *
   * @return the part's sizes, or the corpus error that stopped it (not UTF-8, a bad column)
   * @throws IOException when the cache folder cannot be written
   */
  public static PartStats tokenizePart(
      DataSpec data, Location location, int part, List<String> files, Configuration conf)
      throws IOException {
    Tokenizer tokenizer = loaded(data, location, conf);
    int width = tokenizer.vocabSize() <= 65536 ? 2 : 4;
    String name = String.format(java.util.Locale.ROOT, "%05d", part);
    DocumentSource source = DocumentSource.of(data);
    DocumentSource.Spec spec = new DocumentSource.Spec(data, conf);
    try (PartWriter train = new PartWriter(location.folder() + "/train-" + name, width, conf);
        PartWriter held = new PartWriter(location.folder() + "/validation-" + name, width, conf)) {
      try {
        for (String file : files) {
          source.readFile(
              status(file, conf),
              location.single(),
              spec,
              doc -> {
                Documents.checkUtf8(doc);
                int[] ids = tokenizer.encodeUtf8(doc.utf8()).toArray();
                (doc.heldOut() ? held : train).add(ids, doc.utf8().length);
              });
        }
      } catch (CorpusException e) {
        return new PartStats(part, null, null, e.getMessage());
      } catch (IOException e) {
        if (e.getMessage() != null && e.getMessage().contains("UTF-8")) {
          return new PartStats(part, null, null, e.getMessage());
        }
        throw e;
      }
      return new PartStats(part, train.stats(), held.stats(), null);
    }
  }

  /** Writes the token byte lengths and the index; the cache is complete after this. */
  public static void writeIndex(
      DataSpec data, Location location, List<PartStats> parts, Configuration conf)
      throws IOException {
    Tokenizer tokenizer = loaded(data, location, conf);
    int[] lengths = tokenizer.tokenBytes();
    ByteBuffer b = ByteBuffer.allocate(lengths.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : lengths) {
      b.putInt(v);
    }
    write(location.folder() + "/token-bytes.bin", b.array(), conf);
    Properties p = new Properties();
    p.setProperty("format", FORMAT);
    p.setProperty("tokenizer", data.tokenizer());
    p.setProperty("vocab", Integer.toString(tokenizer.vocabSize()));
    p.setProperty("width", Integer.toString(tokenizer.vocabSize() <= 65536 ? 2 : 4));
    p.setProperty("parts", Integer.toString(parts.size()));
    long[] train = new long[3];
    long[] held = new long[3];
    for (int i = 0; i < parts.size(); i++) {
      PartStats s = parts.get(i);
      InvariantViolation.check(s.part() == i && s.error() == null, "part " + i + " is " + s);
      p.setProperty("part." + i + ".train", join(s.train()));
      p.setProperty("part." + i + ".validation", join(s.validation()));
      for (int k = 0; k < 3; k++) {
        train[k] += s.train()[k];
        held[k] += s.validation()[k];
      }
    }
    p.setProperty("train", join(train));
    p.setProperty("validation", join(held));
    java.io.StringWriter w = new java.io.StringWriter();
    p.store(w, "token shards of " + data.path());
    write(location.index(), w.toString().getBytes(StandardCharsets.UTF_8), conf);
  }

  private static String join(long[] v) {
    return v[0] + "," + v[1] + "," + v[2];
  }

  /** Reads the index properties at {@code location}. */
  static Properties readIndex(Location location, Configuration conf) throws IOException {
    Path index = new Path(URI.create(location.index()));
    try (InputStream in = index.getFileSystem(conf).open(index)) {
      Properties p = new Properties();
      p.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      if (!FORMAT.equals(p.getProperty("format"))) {
        throw new IOException(location.index() + " is not a " + FORMAT + " index");
      }
      return p;
    }
  }

  static long[] sizes(Properties p, String key) {
    String[] parts = p.getProperty(key).split(",");
    return new long[] {
      Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])
    };
  }

  private static void write(String uri, byte[] bytes, Configuration conf) throws IOException {
    Path path = new Path(URI.create(uri));
    try (OutputStream out = path.getFileSystem(conf).create(path, true)) {
      out.write(bytes);
    }
  }

  /**
   * Groups {@code files} into at most {@code parts} contiguous groups of about equal count.
   *
   * @return the groups, in order, none empty
   */
  public static List<List<String>> groups(List<String> files, int parts) {
    int n = Math.max(1, Math.min(parts, files.size()));
    List<List<String>> out = new ArrayList<>();
    for (int g = 0; g < n; g++) {
      int from = (int) ((long) files.size() * g / n);
      int to = (int) ((long) files.size() * (g + 1) / n);
      out.add(files.subList(from, to));
    }
    return out;
  }

  /**
   * Builds the cache of {@code data} in this JVM unless it is complete: trains the tokenizer (when
   * it is trained and its file is missing), then tokenizes every file into one part.
   *
   * @return whether it was already complete
   * @throws IOException when the corpus cannot be read or is not UTF-8 (the message names the file)
   */
  public static synchronized boolean ensure(DataSpec data, Location location, Configuration conf)
      throws IOException {
    if (complete(location, conf)) {
      return true;
    }
    if (!trainedFileExists(data, location, conf)) {
      writeTrained(
          data, location, countWords(data, location.files(), location.single(), conf), conf);
    }
    PartStats stats = tokenizePart(data, location, 0, location.files(), conf);
    if (stats.error() != null) {
      throw new CorpusException(stats.error());
    }
    writeIndex(data, location, List.of(stats), conf);
    return false;
  }

  /** A corpus the cache cannot be built from: the message says which file and why. */
  public static final class CorpusException extends IOException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public CorpusException(String message) {
      super(message);
    }
  }

  /** Writes one split of one part: tokens and document boundaries, buffered. */
  private static final class PartWriter implements AutoCloseable {
    private final OutputStream tokens;
    private final OutputStream index;
    private final int width;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer offsets = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    private long count;
    private long bytes;
    private long documents;

    PartWriter(String base, int width, Configuration conf) throws IOException {
      Path t = new Path(URI.create(base + ".bin"));
      Path i = new Path(URI.create(base + ".idx"));
      FileSystem fs = t.getFileSystem(conf);
      this.tokens = new BufferedOutputStream(fs.create(t, true), 1 << 16);
      this.index = new BufferedOutputStream(fs.create(i, true), 1 << 12);
      this.width = width;
      writeOffset(0);
    }

    void add(int[] ids, int utf8Bytes) throws IOException {
      for (int id : ids) {
        if (buffer.remaining() < 4) {
          flush();
        }
        if (width == 2) {
          buffer.putShort((short) id);
        } else {
          buffer.putInt(id);
        }
      }
      count += ids.length;
      bytes += utf8Bytes;
      documents++;
      writeOffset(count);
    }

    private void writeOffset(long v) throws IOException {
      offsets.clear();
      offsets.putLong(v);
      index.write(offsets.array());
    }

    private void flush() throws IOException {
      tokens.write(buffer.array(), 0, buffer.position());
      buffer.clear();
    }

    long[] stats() {
      return new long[] {count, bytes, documents};
    }

    @Override
    public void close() throws IOException {
      flush();
      tokens.close();
      index.close();
    }
  }
}
