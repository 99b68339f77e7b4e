package dev.scaling.worker.data;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SyntheticSpec;
import dev.scaling.common.trial.Trial;
import dev.scaling.worker.tokenizer.Tokens;
import org.apache.hadoop.conf.Configuration;

/**
 * The {@code synthetic} source: a {@link SyntheticLanguage} per sweep. A trial trains on one stream
 * generated from its data seed, cut into consecutive windows (window i starts at token i x
 * context), and is scored on consecutive windows of a second stream from the sweep's eval seed. The
 * exact entropy rate is the loss floor.
 */
final class SyntheticSource implements TokenSource {

  @Override
  public String name() {
    return "synthetic";
  }

  @Override
  public void check(DataSpec data) {
    require(data.path() == null, "data.path", "absent when data.source is synthetic", data.path());
  }

  @Override
  public int vocab(DataSpec data) {
    return data.settings(SyntheticSpec.class).vocab();
  }

  /** Nothing to read; the spec's rules are all there is to check. */
  @Override
  public DataSummary preflight(DataSpec data, int context, Configuration conf) {
    check(data);
    return new DataSummary(name(), vocab(data), 0, 0);
  }

  @Override
  public TrialWindows open(Trial trial, Configuration conf) {
    int context = trial.context();
    int evalWindows = TrialData.evalWindowCount(trial);
    SyntheticLanguage language =
        SyntheticLanguage.of(trial.data().settings(SyntheticSpec.class), trial.languageSeed());
    Tokens train =
        Tokens.ofUnsignedBytes(language.generate(trial.tokensTrained() + 1, trial.dataSeed()));
    Tokens eval =
        Tokens.ofUnsignedBytes(
            language.generate((long) evalWindows * context + 1, trial.evalSeed()));
    return new GeneratedWindows(
        context, language.spec().vocab(), language.entropyRate(), train, eval, evalWindows);
  }
}
