package dev.scaling.worker.data;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.Trial;
import dev.scaling.worker.tokenizer.Tokenizer;
import dev.scaling.worker.tokenizer.Tokenizers;
import dev.scaling.worker.tokenizer.Tokens;
import java.io.IOException;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;

/**
 * The {@code text} source: a {@link TextCorpus} at {@code data.path} encoded by {@code
 * data.tokenizer}. Training window i starts at the i-th draw of {@code
 * SplittableRandom(dataSeed).nextInt(train - context)} in the training split; held-out window j at
 * the j-th draw of the same from the eval seed in the held-out split. No entropy floor is known.
 */
final class TextSource implements TokenSource {

  @Override
  public String name() {
    return "text";
  }

  @Override
  public void check(DataSpec data) {
    require(
        data.path() != null,
        "data.path",
        "a file or folder URI when data.source is text",
        data.path());
  }

  @Override
  public int vocab(DataSpec data) {
    return Tokenizers.named(data.tokenizer()).vocabSize();
  }

  @Override
  public DataSummary preflight(DataSpec data, int context, Configuration conf) {
    check(data);
    try {
      return TextCorpus.preflight(
          name(), vocab(data), data.path(), data.validationFraction(), context, conf);
    } catch (SpecException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      // A missing, unreadable or malformed corpus, or a path that is no URI: the spec's data.path
      // is at fault.
      throw SpecException.of("data.path", e.getMessage());
    }
  }

  @Override
  public TrialWindows open(Trial trial, Configuration conf) throws IOException {
    int context = trial.context();
    Tokenizer tokenizer = Tokenizers.named(trial.data().tokenizer());
    TextCorpus corpus =
        TextCorpus.cached(trial.data().path(), trial.data().validationFraction(), tokenizer, conf);
    TextCorpus.checkSplits(
        corpus.path(), context, corpus.trainSize(), corpus.validationSize(), "tokens");
    Tokens eval = corpus.validationTokens();
    SplittableRandom evalRandom = new SplittableRandom(trial.evalSeed());
    int[] offsets = new int[TrialData.evalWindowCount(trial)];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = evalRandom.nextInt(eval.length() - context);
    }
    return new Windows(
        context,
        tokenizer.vocabSize(),
        corpus.trainTokens(),
        new SplittableRandom(trial.dataSeed()),
        eval,
        offsets);
  }

  /** Random windows of the training split; the generator's state is the data position. */
  private static final class Windows implements TrialWindows {
    private final int context;
    private final int vocab;
    private final Tokens train;
    private final SplittableRandom trainRandom;
    private final Tokens eval;
    private final int[] evalOffsets;

    Windows(
        int context,
        int vocab,
        Tokens train,
        SplittableRandom trainRandom,
        Tokens eval,
        int[] evalOffsets) {
      this.context = context;
      this.vocab = vocab;
      this.train = train;
      this.trainRandom = trainRandom;
      this.eval = eval;
      this.evalOffsets = evalOffsets;
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
    public void trainWindow(long index, int row, long[] inputs, long[] labels) {
      train.copyWindow(trainRandom.nextInt(train.length() - context), context, row, inputs, labels);
    }

    /** Replays the draws of the windows before {@code index}. */
    @Override
    public void skipTo(long index) {
      int bound = train.length() - context;
      for (long i = 0; i < index; i++) {
        trainRandom.nextInt(bound);
      }
    }

    @Override
    public int evalWindows() {
      return evalOffsets.length;
    }

    @Override
    public void evalWindow(int index, int row, long[] inputs, long[] labels) {
      eval.copyWindow(evalOffsets[index], context, row, inputs, labels);
    }
  }
}
