package dev.scaling.worker.data;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.PowerLawSpec;
import dev.scaling.common.trial.Trial;
import dev.scaling.worker.tokenizer.Tokens;
import org.apache.hadoop.conf.Configuration;

/**
 * The {@code powerlaw} source: a {@link PowerLawLanguage} per sweep. Like the {@code synthetic}
 * source, a trial trains on consecutive windows of a stream from its data seed and is scored on
 * consecutive windows of a stream from the sweep's eval seed; the model context must be a whole
 * number of segments, so every window starts at a segment boundary and the exact entropy rate is
 * the exact loss floor of every window.
 */
final class PowerLawSource implements TokenSource {

  @Override
  public String name() {
    return "powerlaw";
  }

  @Override
  public void check(DataSpec data) {
    require(data.path() == null, "data.path", "absent when data.source is powerlaw", data.path());
  }

  @Override
  public int vocab(DataSpec data) {
    return data.settings(PowerLawSpec.class).vocab();
  }

  /** Nothing to read: checks that a window is a whole number of segments. */
  @Override
  public DataSummary preflight(DataSpec data, int context, Configuration conf) {
    check(data);
    PowerLawSpec spec = data.settings(PowerLawSpec.class);
    require(
        context % spec.segmentLength() == 0,
        "model.context",
        "a multiple of the powerlaw segment length (2 + 2 x data.powerlaw.pairs = "
            + spec.segmentLength()
            + "), so every window starts at a segment",
        context);
    return new DataSummary(name(), vocab(data), 0, 0);
  }

  @Override
  public TrialWindows open(Trial trial, Configuration conf) {
    int context = trial.context();
    PowerLawSpec spec = trial.data().settings(PowerLawSpec.class);
    InvariantViolation.check(
        context % spec.segmentLength() == 0,
        "context " + context + " is not a whole number of segments of " + spec.segmentLength());
    int evalWindows = TrialData.evalWindowCount(trial);
    PowerLawLanguage language = PowerLawLanguage.of(spec, trial.languageSeed());
    int vocab = spec.vocab();
    Tokens train = Tokens.of(language.generate(trial.tokensTrained() + 1, trial.dataSeed()), vocab);
    Tokens eval =
        Tokens.of(language.generate((long) evalWindows * context + 1, trial.evalSeed()), vocab);
    return new GeneratedWindows(context, vocab, language.entropyRate(), train, eval, evalWindows);
  }
}
