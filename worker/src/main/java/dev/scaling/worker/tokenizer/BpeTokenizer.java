package dev.scaling.worker.tokenizer;

import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.tokenizer.BpeSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Our own byte-level BPE, trained on the corpus' training split to {@code data.vocab_size} ({@link
 * BpeTrainer}): ids 0-255 are the bytes, id 256 + i is merge i. Text is split with GPT-2's
 * pre-tokenization pattern, then each piece's bytes are merged by rank, lowest first. Every byte
 * sequence encodes, and decoding the ids gives the bytes back exactly. The registry's instance is
 * unconfigured; {@link #loaded} reads the merges from the token cache.
 */
public final class BpeTokenizer implements Tokenizer, Trainable {

  /** GPT-2's pre-tokenization pattern: contractions, letters, digits, other symbols, spaces. */
  static final Pattern PRE_TOKENS =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

  /** First line of a merges file. */
  static final String HEADER = "#scaling-sweep byte-level bpe v1";

  private static final int WORD_CACHE = 200_000;

  private final int vocab;
  private final int[] left;
  private final int[] right;
  private final Map<Long, Integer> ranks;
  private final byte[][] bytesOf;
  private final Map<String, int[]> words = new ConcurrentHashMap<>();

  /** The registry's unconfigured instance. */
  public BpeTokenizer() {
    this(0, new int[0], new int[0]);
  }

  /**
   * A tokenizer of {@code vocab} ids with merges {@code (left[i], right[i]) -> 256 + i}.
   *
   * @throws InvariantViolation when a merge names an id not yet defined or they exceed {@code
   *     vocab}
   */
  BpeTokenizer(int vocab, int[] left, int[] right) {
    this.vocab = vocab;
    this.left = left.clone();
    this.right = right.clone();
    this.ranks = new HashMap<>();
    this.bytesOf = new byte[256 + left.length][];
    for (int b = 0; b < 256; b++) {
      bytesOf[b] = new byte[] {(byte) b};
    }
    for (int i = 0; i < left.length; i++) {
      int id = 256 + i;
      InvariantViolation.check(
          left[i] >= 0 && left[i] < id && right[i] >= 0 && right[i] < id && id < Math.max(vocab, 1),
          "bpe merge " + i + " (" + left[i] + ", " + right[i] + ") is not below its id " + id);
      byte[] a = bytesOf[left[i]];
      byte[] b = bytesOf[right[i]];
      byte[] ab = new byte[a.length + b.length];
      System.arraycopy(a, 0, ab, 0, a.length);
      System.arraycopy(b, 0, ab, a.length, b.length);
      bytesOf[id] = ab;
      ranks.putIfAbsent(key(left[i], right[i]), i);
    }
  }

  static long key(int a, int b) {
    return ((long) a << 32) | (b & 0xffffffffL);
  }

  @Override
  public String name() {
    return "bpe";
  }

  /**
   * The vocabulary of a loaded instance.
   *
   * @throws InvariantViolation on the registry's unconfigured instance
   */
  @Override
  public int vocabSize() {
    InvariantViolation.check(vocab > 0, "bpe's vocabulary is data.vocab_size; load it first");
    return vocab;
  }

  /** The vocabulary to train to: {@code data.vocab_size}, the bpe kind's setting. */
  static int trainedVocab(DataSpec data) {
    return data.tokenizerSettings(BpeSettings.class).vocabSize();
  }

  @Override
  public int vocabSize(DataSpec data, Configuration conf) {
    return trainedVocab(data);
  }

  @Override
  public String cacheKey(DataSpec data, Configuration conf) {
    return "bpe" + trainedVocab(data);
  }

  @Override
  public boolean trained() {
    return true;
  }

  @Override
  public String fileName() {
    return "merges.txt";
  }

  @Override
  public Tokenizer loaded(DataSpec data, String folder, Configuration conf) throws IOException {
    String file = folder + "/" + fileName();
    FileSystem fs = FileSystem.get(URI.create(file), conf);
    String text;
    try (InputStream in = fs.open(new Path(URI.create(file)))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return parse(text, trainedVocab(data), file);
  }

  /**
   * A tokenizer from the text of a merges file.
   *
   * @throws IOException naming {@code where} when the text is no merges file of at most {@code
   *     vocab} ids
   */
  static BpeTokenizer parse(String text, int vocab, String where) throws IOException {
    List<String> lines = text.lines().toList();
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      throw new IOException(where + " is not a bpe merges file (first line " + HEADER + ")");
    }
    int n = lines.size() - 1;
    if (256 + n > vocab) {
      throw new IOException(
          where + " holds " + n + " merges, more than vocabulary " + vocab + " allows");
    }
    int[] l = new int[n];
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      String[] parts = lines.get(i + 1).split(" ");
      try {
        l[i] = Integer.parseInt(parts[0]);
        r[i] = Integer.parseInt(parts[1]);
      } catch (RuntimeException e) {
        throw new IOException(where + " line " + (i + 2) + " is not two ids: " + lines.get(i + 1));
      }
    }
    return new BpeTokenizer(vocab, l, r);
  }

  /** The merges file's text. */
  static String format(int[][] merges) {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (int[] m : merges) {
      sb.append(m[0]).append(' ').append(m[1]).append('\n');
    }
    return sb.toString();
  }

  /** Number of merges (vocabulary used beyond the 256 bytes). */
  int merges() {
    return left.length;
  }

  /** The pre-tokenized pieces of {@code text}, covering all of it in order. */
  static List<String> pieces(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = PRE_TOKENS.matcher(text);
    int at = 0;
    while (m.find()) {
      if (m.start() > at) {
        out.add(text.substring(at, m.start())); // never happens with this pattern; kept exact
      }
      out.add(m.group());
      at = m.end();
    }
    if (at < text.length()) {
      out.add(text.substring(at));
    }
    return out;
  }

  @Override
  public void countWords(String document, Map<String, Long> counts) {
    for (String piece : pieces(document)) {
      counts.merge(piece, 1L, Long::sum);
    }
  }

  @Override
  public String train(Map<String, Long> counts, int vocabSize) {
    return format(BpeTrainer.train(counts, vocabSize - 256));
  }

  @Override
  public int[] encode(String text) {
    vocabSize();
    int[] out = new int[Math.max(16, text.length())];
    int n = 0;
    for (String piece : pieces(text)) {
      int[] ids = word(piece);
      if (n + ids.length > out.length) {
        out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, n + ids.length));
      }
      System.arraycopy(ids, 0, out, n, ids.length);
      n += ids.length;
    }
    return java.util.Arrays.copyOf(out, n);
  }

  private int[] word(String piece) {
    int[] cached = words.get(piece);
    if (cached != null) {
      return cached;
    }
    int[] ids = mergeBytes(piece.getBytes(StandardCharsets.UTF_8));
    if (words.size() >= WORD_CACHE) {
      words.clear();
    }
    words.put(piece, ids);
    return ids;
  }

  /** Applies the merges to one piece's bytes, lowest rank first, each at every place it fits. */
  int[] mergeBytes(byte[] bytes) {
    int[] seq = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      seq[i] = bytes[i] & 0xFF;
    }
    int n = seq.length;
    while (n > 1) {
      int best = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < n; i++) {
        Integer rank = ranks.get(key(seq[i], seq[i + 1]));
        if (rank != null && rank < best) {
          best = rank;
        }
      }
      if (best == Integer.MAX_VALUE) {
        break;
      }
      int a = left[best];
      int b = right[best];
      int w = 0;
      for (int i = 0; i < n; i++) {
        if (i + 1 < n && seq[i] == a && seq[i + 1] == b) {
          seq[w++] = 256 + best;
          i++;
        } else {
          seq[w++] = seq[i];
        }
      }
      n = w;
    }
    return java.util.Arrays.copyOf(seq, n);
  }

  /** The exact bytes of {@code tokens}. */
  public byte[] decodeBytes(int[] tokens) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(tokens.length * 4);
    for (int t : tokens) {
      InvariantViolation.check(
          t >= 0 && t < bytesOf.length, "bpe token " + t + " is outside the merges' ids");
      out.writeBytes(bytesOf[t]);
    }
    return out.toByteArray();
  }

  @Override
  public String decode(int[] tokens) {
    return new String(decodeBytes(tokens), StandardCharsets.UTF_8);
  }

  @Override
  public int[] tokenBytes() {
    int[] out = new int[vocabSize()];
    for (int id = 0; id < bytesOf.length; id++) {
      out[id] = bytesOf[id].length;
    }
    return out;
  }
}
