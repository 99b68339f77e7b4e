package dev.scaling.driver.sweep;

import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SpecParser;
import dev.scaling.common.spec.SweepSpec;
import dev.scaling.common.tokenizer.HfSettings;
import dev.scaling.driver.io.InputDigests;
import dev.scaling.driver.io.SweepFiles;
import dev.scaling.driver.plan.Planner;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads a spec from any Hadoop FS location, validates it and plans it: the first step of {@code
 * run} and {@code plan}, and of every resume check. Bad input throws {@code SpecException} naming
 * the field, before any Spark context exists.
 */
public final class SweepLoader {
  private SweepLoader() {}

  /** Reads, parses, qualifies and plans the spec at {@code location}. */
  public static LoadedSweep load(String location, Configuration hadoop) throws IOException {
    String text = SweepFiles.readText(location, hadoop);
    SweepSpec spec = parse(text, hadoop);
    return new LoadedSweep(text, spec, Planner.plan(spec));
  }

  /** Parses spec text and qualifies its corpus locations (no plan). */
  public static SweepSpec parse(String text, Configuration hadoop) throws IOException {
    return qualifyCorpus(SpecParser.parse(text), hadoop);
  }

  /**
   * A text corpus path made absolute (a relative local path becomes a file: URI), so executors
   * whose working folder differs from the driver's read the same files, and the digest of the input
   * files' content added ({@link InputDigests}), so a trial's id names the data it read.
   */
  public static SweepSpec qualifyCorpus(SweepSpec s, Configuration hadoop) throws IOException {
    DataSpec d = s.data();
    if (d.path() == null) {
      return s;
    }
    DataSpec qualified =
        d.withLocations(
            SweepFiles.qualify(d.path(), hadoop),
            d.tokenizerSettings() instanceof HfSettings hf
                ? SweepFiles.qualify(hf.tokenizerFile(), hadoop)
                : null,
            d.cache() == null ? null : SweepFiles.qualify(d.cache(), hadoop));
    // Identified by content too: a corpus or tokenizer file edited in place gives new trial ids.
    qualified = qualified.withInputs(InputDigests.of(qualified, hadoop));
    return new SweepSpec(s.name(), s.seed(), qualified, s.model(), s.grid(), s.training());
  }
}
