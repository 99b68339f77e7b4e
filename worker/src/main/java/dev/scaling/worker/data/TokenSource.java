package dev.scaling.worker.data;

import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SpecException;
import dev.scaling.common.trial.Trial;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;

/**
 * A kind of training data, chosen by {@code data.source}: it checks its part of the spec, says the
 * vocabulary a model of it needs, checks its input before any trial runs ({@link #preflight}), and
 * opens one trial's windows ({@link #open}). A new source is one class implementing this,
 * registered with {@link DataSources#register}, beside its spec side in {@code common} ({@link
 * dev.scaling.common.source.DataSourceKind}, which parses its settings). Implementations are shared
 * by every trial of a JVM and must be stateless.
 */
public interface TokenSource {

  /** The name {@code data.source} selects it by, e.g. {@code text}. */
  String name();

  /**
   * Checks the fields of {@code data} this source reads or forbids (e.g. a path), beyond the rules
   * {@link DataSpec} checks for every source.
   *
   * @throws SpecException naming the field, the rule and the value found
   */
  void check(DataSpec data);

  /** Vocabulary size a model of {@code data} needs: every token id is below it. */
  int vocab(DataSpec data);

  /**
   * Checks, before any trial runs, that every trial of a sweep with this data and {@code context}
   * can read its windows: for files, that they exist, decode and are big enough for one window per
   * split. Reads in bounded memory (never a whole corpus at once).
   *
   * @throws SpecException naming {@code data.path} (or the field at fault) when the data is
   *     unusable
   */
  DataSummary preflight(DataSpec data, int context, Configuration conf);

  /**
   * The windows of {@code trial}: training windows from its data seed, held-out windows from its
   * eval seed (the same for every trial of the sweep).
   *
   * @throws IOException when the source's files cannot be read or are unusable
   */
  TrialWindows open(Trial trial, Configuration conf) throws IOException;
}
