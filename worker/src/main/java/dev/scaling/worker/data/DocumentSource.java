package dev.scaling.worker.data;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.Trial;
import dev.scaling.worker.tokenizer.Tokenizers;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;

/**
 * A source of documents in files ({@code text}, {@code parquet}): what the two share. Trials read
 * their windows from the corpus' {@link TokenCache} by offset ({@link TokenShards}); the driver's
 * Spark job builds the cache before training, and a JVM that finds it missing builds it itself.
 * Training window i starts at the i-th draw of {@code SplittableRandom(dataSeed).nextInt(train -
 * context)} in the training split's tokens (nextLong beyond 2^31), held-out window j at the j-th
 * draw of the same from the eval seed in the held-out split. A subclass says how a file becomes
 * documents ({@link #readFile}) and checks its files before the cache exists ({@link #checkFiles}).
 */
public abstract class DocumentSource implements TokenSource {

  /**
   * What reading a file needs.
   *
   * @param data the data spec
   * @param conf Hadoop configuration
   */
  public record Spec(DataSpec data, Configuration conf) {
    /** Share held out. */
    public double validationFraction() {
      return data.validationFraction();
    }
  }

  /** The document source {@code data} names. */
  static DocumentSource of(DataSpec data) {
    TokenSource source = DataSources.of(data);
    if (source instanceof DocumentSource d) {
      return d;
    }
    throw new SpecException(
        "data.source", "a source of documents (text or parquet)", data.source());
  }

  /**
   * Reads the documents of one file into {@code sink}, in order, marking those held out.
   *
   * @param single whether {@code file} is the whole corpus (the path names it)
   * @throws IOException naming the file when it cannot be read or parsed
   */
  abstract void readFile(FileStatus file, boolean single, Spec spec, Documents.Sink sink)
      throws IOException;

  /**
   * Checks the corpus' files before its cache exists, in bounded memory.
   *
   * @return the summary of the files
   * @throws IOException naming the file at fault
   */
  abstract DataSummary checkFiles(
      DataSpec data, int context, List<FileStatus> files, boolean single, Configuration conf)
      throws IOException;

  @Override
  public void check(DataSpec data) {
    require(
        data.path() != null,
        "data.path",
        "a file or folder URI when data.source is " + name(),
        data.path());
    Tokenizers.named(data.tokenizer()).check(data);
  }

  @Override
  public int vocab(DataSpec data) {
    return Tokenizers.named(data.tokenizer()).vocabSize(data, new Configuration());
  }

  /**
   * Checks the corpus before Spark starts: from the cache's index when the cache is complete
   * (tokens per split), else from the files (they exist, decode, and their bytes bound the tokens
   * of each split).
   */
  @Override
  public DataSummary preflight(DataSpec data, int context, Configuration conf) {
    check(data);
    vocab(data);
    try {
      TokenCache.Location location = TokenCache.locate(data, conf);
      List<FileStatus> files = Documents.files(data.path(), conf);
      long bytes = files.stream().mapToLong(FileStatus::getLen).sum();
      if (TokenCache.complete(location, conf)) {
        checkTokens(data, location, context, 0, conf);
        return new DataSummary(name(), vocab(data), files.size(), bytes);
      }
      return checkFiles(data, context, files, location.single(), conf);
    } catch (SpecException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      throw SpecException.of("data.path", e.getMessage());
    }
  }

  /**
   * Checks the tokens of the complete cache at {@code location}: each split holds one window,
   * something is held out, and (unless {@code data.epochs_allowed}) the training split holds {@code
   * maxTokens}.
   *
   * @return the training split's tokens
   * @throws SpecException naming the field at fault
   */
  static long checkTokens(
      DataSpec data, TokenCache.Location location, int context, long maxTokens, Configuration conf)
      throws IOException {
    TokenShards shards = TokenShards.open(location, conf);
    long train = shards.train().tokens();
    long held = shards.validation().tokens();
    if (shards.validation().documents() == 0) {
      throw SpecException.of(
          "data.path",
          "corpus "
              + data.path()
              + " holds no held-out document at validation_fraction "
              + data.validationFraction()
              + " ("
              + shards.train().documents()
              + " documents in all); raise data.validation_fraction or add documents");
    }
    if (train < context + 1 || held < context + 1) {
      throw SpecException.of(
          "data.path",
          "corpus "
              + data.path()
              + " is too small for context "
              + context
              + ": its training split has "
              + train
              + " tokens and its held-out split "
              + held
              + ", each needs at least "
              + (context + 1));
    }
    require(
        data.epochsAllowed() || maxTokens <= train,
        "grid.tokens",
        "at most the " + train + " tokens of the training split unless data.epochs_allowed is true",
        maxTokens);
    return train;
  }

  @Override
  public TrialWindows open(Trial trial, Configuration conf) throws IOException {
    DataSpec data = trial.data();
    TokenCache.Location location = TokenCache.locate(data, conf);
    TokenCache.ensure(data, location, conf);
    TokenShards shards = TokenShards.open(location, conf);
    int context = trial.context();
    TokenShards.Split train = shards.train();
    TokenShards.Split eval = shards.validation();
    if (train.tokens() < context + 1 || eval.tokens() < context + 1) {
      TextCorpus.checkSplits(data.path(), context, train.tokens(), eval.tokens(), "tokens");
    }
    SplittableRandom evalRandom = new SplittableRandom(trial.evalSeed());
    long[] offsets = new long[TrialData.evalWindowCount(trial)];
    long tokens = 0;
    long bytes = 0;
    long[] window = new long[context + 1];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = draw(evalRandom, eval.tokens() - context);
      eval.read(offsets[i], context + 1, window, 0);
      for (int k = 1; k <= context; k++) {
        bytes += shards.tokenBytes((int) window[k]);
      }
      tokens += context;
    }
    return new Windows(
        context,
        shards.vocab(),
        train,
        new SplittableRandom(trial.dataSeed()),
        eval,
        offsets,
        bytes == 0 ? null : (double) tokens / bytes);
  }

  static long draw(SplittableRandom random, long bound) {
    return bound <= Integer.MAX_VALUE ? random.nextInt((int) bound) : random.nextLong(bound);
  }

  /** Random windows of the training split; the generator's state is the data position. */
  private static final class Windows implements TrialWindows {
    private final int context;
    private final int vocab;
    private final TokenShards.Split train;
    private final SplittableRandom trainRandom;
    private final TokenShards.Split eval;
    private final long[] evalOffsets;
    private final Double tokensPerByte;
    private final long[] window;

    Windows(
        int context,
        int vocab,
        TokenShards.Split train,
        SplittableRandom trainRandom,
        TokenShards.Split eval,
        long[] evalOffsets,
        Double tokensPerByte) {
      this.context = context;
      this.vocab = vocab;
      this.train = train;
      this.trainRandom = trainRandom;
      this.eval = eval;
      this.evalOffsets = evalOffsets;
      this.tokensPerByte = tokensPerByte;
      this.window = new long[context + 1];
    }

    @Override
    public int vocab() {
      return vocab;
    }

    @Override
    public Double entropyFloor() {
      return null;
    }

    @Override
    public Double evalTokensPerByte() {
      return tokensPerByte;
    }

    @Override
    public Long trainTokens() {
      return train.tokens();
    }

    private void copy(TokenShards.Split split, long offset, int row, long[] inputs, long[] labels) {
      try {
        split.read(offset, context + 1, window, 0);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot read token shards", e);
      }
      System.arraycopy(window, 0, inputs, row * context, context);
      System.arraycopy(window, 1, labels, row * context, context);
    }

    @Override
    public void trainWindow(long index, int row, long[] inputs, long[] labels) {
      copy(train, draw(trainRandom, train.tokens() - context), row, inputs, labels);
    }

    /** Replays the draws of the windows before {@code index}. */
    @Override
    public void skipTo(long index) {
      long bound = train.tokens() - context;
      for (long i = 0; i < index; i++) {
        draw(trainRandom, bound);
      }
    }

    @Override
    public int evalWindows() {
      return evalOffsets.length;
    }

    @Override
    public void evalWindow(int index, int row, long[] inputs, long[] labels) {
      copy(eval, evalOffsets[index], row, inputs, labels);
    }
  }
}
