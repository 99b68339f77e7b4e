package dev.scaling.worker.data;

import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.SpecException;
import dev.scaling.worker.tokenizer.Tokenizers;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hadoop.conf.Configuration;

/**
 * The registry of the runtime side of data sources, keyed by {@code data.source}. A new source is
 * its spec side in {@code common} ({@link dev.scaling.common.source.DataSourceKind}, registered
 * with {@link dev.scaling.common.source.DataSourceKinds#register}) plus one class implementing
 * {@link TokenSource} registered here with {@link #register} (a line in the static block for the
 * built-in ones).
 */
public final class DataSources {

  private static final List<TokenSource> REGISTERED = new CopyOnWriteArrayList<>();

  static {
    register(new SyntheticSource());
    register(new PowerLawSource());
    register(new TextSource());
    register(new ParquetSource());
  }

  private DataSources() {}

  /**
   * Registers {@code source} under its name, so trials of specs naming it can read their tokens.
   * Registering another instance of the same class again is a no-op.
   *
   * @throws InvariantViolation when another source already holds the name
   */
  public static synchronized void register(TokenSource source) {
    for (TokenSource earlier : REGISTERED) {
      if (earlier.name().equals(source.name())) {
        InvariantViolation.check(
            earlier.getClass() == source.getClass(),
            "data source " + source.name() + " is registered twice");
        return;
      }
    }
    REGISTERED.add(source);
  }

  /** Names of the registered sources, in registration order. */
  public static List<String> names() {
    return REGISTERED.stream().map(TokenSource::name).toList();
  }

  /**
   * The source {@code data.source} names, once {@code data} passed its rules (a registered
   * tokenizer, the fields the source needs).
   *
   * @throws SpecException naming {@code data.source} and the registered names, or the field at
   *     fault
   */
  public static TokenSource of(DataSpec data) {
    for (TokenSource source : REGISTERED) {
      if (source.name().equals(data.source().name())) {
        Tokenizers.named(data.tokenizer());
        source.check(data);
        return source;
      }
    }
    throw new SpecException("data.source", "one of " + names(), data.source().name());
  }

  /** Vocabulary size a model of {@code data} needs. */
  public static int vocab(DataSpec data) {
    return of(data).vocab(data);
  }

  /**
   * Checks {@code data} for a model context of {@code context} tokens before any trial runs; see
   * {@link TokenSource#preflight}.
   *
   * @throws SpecException naming the field at fault
   */
  public static DataSummary preflight(DataSpec data, int context, Configuration conf) {
    return of(data).preflight(data, context, conf);
  }

  /**
   * Checks the tokens of the complete token cache of {@code data} (after the tokenize job, or
   * before Spark when a cache is reused): each split holds a window of {@code context}, something
   * is held out, and the training split holds {@code maxTokens} unless {@code data.epochs_allowed}.
   *
   * @return the training split's tokens
   * @throws SpecException naming the field at fault
   * @throws IOException when the cache cannot be read
   */
  public static long checkTokens(
      DataSpec data, TokenCache.Location location, int context, long maxTokens, Configuration conf)
      throws IOException {
    DocumentSource.of(data);
    return DocumentSource.checkTokens(data, location, context, maxTokens, conf);
  }

  /** Whether {@code data} is read from documents through a token cache (text, parquet). */
  public static boolean documents(DataSpec data) {
    return of(data) instanceof DocumentSource;
  }
}
