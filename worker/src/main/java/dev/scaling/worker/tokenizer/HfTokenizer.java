package dev.scaling.worker.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.tokenizer.HfSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Any Hugging Face {@code tokenizer.json} ({@code data.tokenizer_file}, on any Hadoop FS) through
 * DJL's HF tokenizers, whose jar carries the native library. The file is copied to a local temp
 * file and loaded from that path only (never by hub name), with DJL's offline switches set, so
 * loading never reaches the network. No special tokens are added.
 */
public final class HfTokenizer implements Tokenizer {

  private static final Map<String, Parsed> PARSED = new ConcurrentHashMap<>();

  private final HuggingFaceTokenizer tokenizer;
  private final int vocab;

  /** The registry's unconfigured instance. */
  public HfTokenizer() {
    this(null, 0);
  }

  private HfTokenizer(HuggingFaceTokenizer tokenizer, int vocab) {
    this.tokenizer = tokenizer;
    this.vocab = vocab;
  }

  /** A parsed file: its bytes' digest and vocabulary. */
  private record Parsed(String sha, int vocab, byte[] bytes) {}

  @Override
  public String name() {
    return "hf";
  }

  @Override
  public int vocabSize() {
    InvariantViolation.check(vocab > 0, "hf's vocabulary comes from data.tokenizer_file; load it");
    return vocab;
  }

  /**
   * Reads and parses {@code data.tokenizer_file} once per JVM.
   *
   * @throws SpecException naming {@code data.tokenizer_file} when it cannot be read or is no
   *     tokenizer.json with a vocabulary
   */
  private static Parsed parsed(DataSpec data, Configuration conf) {
    String file = data.tokenizerSettings(HfSettings.class).tokenizerFile();
    return PARSED.computeIfAbsent(
        file,
        f -> {
          byte[] bytes;
          try {
            FileSystem fs = FileSystem.get(URI.create(f), conf);
            try (InputStream in = fs.open(new Path(URI.create(f)))) {
              bytes = in.readAllBytes();
            }
          } catch (IOException | IllegalArgumentException e) {
            throw new SpecException("data.tokenizer_file", "a readable file", f + " (" + e + ")");
          }
          int max = -1;
          try {
            JsonObject root =
                JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
            JsonObject model = root.getAsJsonObject("model");
            JsonElement vocab = model == null ? null : model.get("vocab");
            if (vocab != null && vocab.isJsonObject()) {
              for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
                max = Math.max(max, e.getValue().getAsInt());
              }
            } else if (vocab != null && vocab.isJsonArray()) {
              max = vocab.getAsJsonArray().size() - 1; // unigram: [piece, score] pairs
            }
            if (root.has("added_tokens") && root.get("added_tokens").isJsonArray()) {
              for (JsonElement t : root.getAsJsonArray("added_tokens")) {
                max = Math.max(max, t.getAsJsonObject().get("id").getAsInt());
              }
            }
          } catch (RuntimeException e) {
            throw new SpecException(
                "data.tokenizer_file", "a Hugging Face tokenizer.json", f + " (" + e + ")");
          }
          if (max < 0) {
            throw new SpecException(
                "data.tokenizer_file",
                "a Hugging Face tokenizer.json with a model.vocab",
                f + " (no vocabulary)");
          }
          return new Parsed(sha(bytes), max + 1, bytes);
        });
  }

  private static String sha(byte[] bytes) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
          .substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new InvariantViolation("SHA-256 is missing from the JDK", e);
    }
  }

  @Override
  public int vocabSize(DataSpec data, Configuration conf) {
    check(data);
    return parsed(data, conf).vocab();
  }

  @Override
  public String cacheKey(DataSpec data, Configuration conf) {
    return "hf-" + parsed(data, conf).sha();
  }

  /**
   * Loads the file through DJL from a local copy.
   *
   * @throws IOException when DJL cannot load it
   */
  @Override
  public Tokenizer loaded(DataSpec data, String folder, Configuration conf) throws IOException {
    Parsed p = parsed(data, conf);
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("offline", "true");
    java.nio.file.Path local = Files.createTempFile("tokenizer-", ".json");
    try {
      Files.write(local, p.bytes());
      HuggingFaceTokenizer hf;
      try {
        hf = HuggingFaceTokenizer.newInstance(local, Map.of("addSpecialTokens", "false"));
      } catch (RuntimeException e) {
        throw new SpecException(
            "data.tokenizer_file",
            "a tokenizer.json DJL can load",
            data.tokenizerSettings(HfSettings.class).tokenizerFile() + " " + e);
      }
      return new HfTokenizer(hf, p.vocab());
    } finally {
      Files.deleteIfExists(local);
    }
  }

  @Override
  public int[] encode(String text) {
    long[] ids = tokenizer.encode(text, false, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  @Override
  public String decode(int[] tokens) {
    long[] ids = new long[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      ids[i] = tokens[i];
    }
    return tokenizer.decode(ids, false);
  }
}
