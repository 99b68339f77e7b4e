package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.source.DataSourceKind;
import dev.scaling.common.source.DataSourceKinds;
import dev.scaling.common.source.ParquetKind;
import dev.scaling.common.source.ParquetSettings;
import dev.scaling.common.source.SourceSettings;
import dev.scaling.common.source.SyntheticKind;
import dev.scaling.common.tokenizer.BpeKind;
import dev.scaling.common.tokenizer.BpeSettings;
import dev.scaling.common.tokenizer.HfKind;
import dev.scaling.common.tokenizer.HfSettings;
import dev.scaling.common.tokenizer.TokenizerKind;
import dev.scaling.common.tokenizer.TokenizerKinds;
import dev.scaling.common.tokenizer.TokenizerSettings;
import java.io.Serializable;
import java.util.TreeSet;

/**
 * The data every trial of a sweep trains and evaluates on: the source's name, the fields every
 * source shares, and the source's own settings, parsed by its {@link DataSourceKind} (so a new
 * source needs no field here). Which tokenizers exist, and what each source needs from the shared
 * fields (a path, say), is checked by the worker's registries ({@code
 * dev.scaling.worker.data.DataSources}, {@code dev.scaling.worker.tokenizer.Tokenizers}), which the
 * driver's preflight runs before any trial.
 *
 * <p>Trial ids: the walk lists this record through {@link #walkForm()}, the flat layout it had
 * before sources owned their settings, so every existing id stays as it was.
 *
 * @param source which registered data source ({@link DataSourceKinds})
 * @param path Hadoop FS URI (file:, hdfs:, s3a:) of the source's files, for sources that read files
 * @param tokenizer name of a registered tokenizer for sources that read text ({@code bytes} by
 *     default)
 * @param validationFraction share of a text corpus held out for evaluation (tail of each file)
 * @param evalTokens tokens scored at each evaluation (the same held-out windows for every trial)
 * @param epochsAllowed whether a trial may train on more tokens than the training split holds
 *     (repeating it); when false such a grid is refused before Spark starts
 * @param cache Hadoop FS URI of the folder holding token shards (null: {@code _tokens} beside the
 *     corpus)
 * @param settings the source's own settings (e.g. {@link SyntheticSpec}, {@link PowerLawSpec});
 *     present exactly when its kind has settings
 * @param tokenizerSettings the tokenizer's own settings, parsed by its {@link TokenizerKind} (e.g.
 *     {@link BpeSettings}: the vocabulary to train to); present exactly when it has settings
 * @param inputs the digest of the input files' content (corpus manifest, tokenizer file), set by
 *     the driver when it loads the spec; null for a source that reads no files, or before loading
 */
public record DataSpec(
    DataSource source,
    String path,
    String tokenizer,
    double validationFraction,
    int evalTokens,
    boolean epochsAllowed,
    String cache,
    SourceSettings settings,
    TokenizerSettings tokenizerSettings,
    InputDigest inputs)
    implements Serializable, WalkForm {

  public DataSpec {
    require(source != null, "data.source", "present", null);
    require(path == null || !path.isBlank(), "data.path", "absent or a file or folder URI", path);
    require(
        tokenizer != null && tokenizer.matches("[a-z][a-z0-9_.-]{0,63}"),
        "data.tokenizer",
        "a tokenizer name (a lowercase letter, then lowercase letters, digits, ., - or _)",
        tokenizer);
    require(
        validationFraction > 0 && validationFraction < 0.5,
        "data.validation_fraction",
        "in (0, 0.5)",
        validationFraction);
    require(evalTokens > 0, "data.eval_tokens", "positive", evalTokens);
    require(cache == null || !cache.isBlank(), "data.cache", "absent or a folder URI", cache);
    DataSourceKind kind = DataSourceKinds.kind(source.name());
    Class<? extends SourceSettings> type = kind.settingsType();
    if (type == null) {
      require(
          settings == null,
          "data.source",
          "a source that reads the settings given (" + source + " has no settings of its own)",
          source.name());
    } else {
      require(
          type.isInstance(settings),
          "data.source",
          source + " exactly when its settings " + new TreeSet<>(kind.keys()) + " are given",
          source.name());
    }
    TokenizerKind tokenizerKind = TokenizerKinds.kind(tokenizer);
    Class<? extends TokenizerSettings> tokenizerType = tokenizerKind.settingsType();
    if (tokenizerType == null) {
      require(
          tokenizerSettings == null,
          "data.tokenizer",
          "a tokenizer that reads the settings given (" + tokenizer + " has no settings)",
          tokenizer);
    } else {
      require(
          tokenizerType.isInstance(tokenizerSettings),
          "data.tokenizer",
          tokenizer
              + " exactly when its settings "
              + new TreeSet<>(tokenizerKind.keys())
              + " are given",
          tokenizer);
    }
  }

  /** A builder of the data spec of {@code source}, every shared field at its spec default. */
  public static Builder builder(DataSource source) {
    return new Builder(source);
  }

  /** The synthetic source of {@code language} with every shared field at its default. */
  public static DataSpec synthetic(SyntheticSpec language) {
    return builder(DataSource.SYNTHETIC).settings(language).build();
  }

  /** A builder holding this spec's fields, to change some of them. */
  public Builder toBuilder() {
    return new Builder(source)
        .path(path)
        .tokenizer(tokenizer)
        .validationFraction(validationFraction)
        .evalTokens(evalTokens)
        .epochsAllowed(epochsAllowed)
        .cache(cache)
        .settings(settings)
        .tokenizerSettings(tokenizerSettings)
        .inputs(inputs);
  }

  /** This spec identified by the content of its inputs as well (see {@link InputDigest}). */
  public DataSpec withInputs(InputDigest digest) {
    return toBuilder().inputs(digest).build();
  }

  /**
   * This spec with its URIs replaced (the driver makes relative local paths absolute): the path,
   * the cache and the tokenizer's file (kept when {@code tokenizerFile} is null or the tokenizer
   * reads none).
   */
  public DataSpec withLocations(String path, String tokenizerFile, String cache) {
    Builder b = toBuilder().path(path).cache(cache);
    if (tokenizerFile != null && tokenizerSettings instanceof HfSettings) {
      b.tokenizerSettings(new HfSettings(tokenizerFile));
    }
    return b.build();
  }

  /**
   * The tokenizer's own settings as {@code type}.
   *
   * @throws InvariantViolation when the tokenizer has settings of another type or none
   */
  public <S extends TokenizerSettings> S tokenizerSettings(Class<S> type) {
    InvariantViolation.check(
        type.isInstance(tokenizerSettings),
        "tokenizer " + tokenizer + " has no settings of type " + type.getSimpleName());
    return type.cast(tokenizerSettings);
  }

  /**
   * The source's own settings as {@code type}.
   *
   * @throws InvariantViolation when the source has settings of another type or none
   */
  public <S extends SourceSettings> S settings(Class<S> type) {
    InvariantViolation.check(
        type.isInstance(settings),
        "data source " + source + " has no settings of type " + type.getSimpleName());
    return type.cast(settings);
  }

  /**
   * The leaves trial ids hash for this spec: the flat layout of trial-id scheme v3, where every
   * spec listed the synthetic block ({@link SyntheticSpec#DEFAULT} for the other sources) and the
   * parquet column ({@code text} for the other sources) whatever its source, the bpe vocabulary and
   * the hf file (null for other tokenizers) whatever its tokenizer, and the power-law block last. A
   * source's or tokenizer's settings that had no place there (a kind registered since) follow,
   * under the kind's walk key.
   */
  @Override
  public V3Leaves walkForm() {
    return new V3Leaves(
        source,
        path,
        tokenizer,
        validationFraction,
        evalTokens,
        settings instanceof SyntheticSpec s ? s : SyntheticSpec.DEFAULT,
        settings instanceof ParquetSettings p
            ? p.textColumn()
            : ParquetSettings.DEFAULT_TEXT_COLUMN,
        tokenizerSettings instanceof BpeSettings b ? b.vocabSize() : null,
        tokenizerSettings instanceof HfSettings h ? h.tokenizerFile() : null,
        epochsAllowed,
        cache,
        settings instanceof SyntheticSpec || settings instanceof ParquetSettings ? null : settings,
        tokenizerSettings instanceof BpeSettings || tokenizerSettings instanceof HfSettings
            ? null
            : tokenizerSettings,
        inputs);
  }

  /**
   * The walk form of a data spec (see {@link DataSpec#walkForm()}): its components are the leaves,
   * in the order, that trial ids of scheme v3 hash. Commit files hold the same fields.
   *
   * @param source the source's name
   * @param path the source's files
   * @param tokenizer the tokenizer's name
   * @param validationFraction share held out
   * @param evalTokens tokens scored per evaluation
   * @param synthetic the synthetic language; the default for every other source
   * @param textColumn the parquet column; {@code text} for every other source
   * @param vocabSize the trained vocabulary
   * @param tokenizerFile the tokenizer's file
   * @param epochsAllowed whether the training split may repeat
   * @param cache the token cache's folder
   * @param settings the settings of a source other than synthetic and parquet (power-law's, walked
   *     as {@code data.powerlaw.*}), absent for sources without settings
   * @param tokenizerSettings the settings of a tokenizer other than bpe and hf, absent for none
   * @param inputs the input files' digest, absent for specs without one (so their ids are as in
   *     scheme v3)
   */
  public record V3Leaves(
      DataSource source,
      String path,
      String tokenizer,
      double validationFraction,
      int evalTokens,
      SyntheticSpec synthetic,
      String textColumn,
      Integer vocabSize,
      String tokenizerFile,
      boolean epochsAllowed,
      String cache,
      @OmitWhenNull SourceSettings settings,
      @OmitWhenNull TokenizerSettings tokenizerSettings,
      @OmitWhenNull InputDigest inputs) {

    /**
     * The data spec these leaves list, the inverse of {@link DataSpec#walkForm()}: the synthetic
     * block is the synthetic source's settings, the column the parquet source's, and {@code
     * settings} any other source's.
     */
    public DataSpec toSpec() {
      SourceSettings own =
          switch (source.name()) {
            case SyntheticKind.NAME -> synthetic;
            case ParquetKind.NAME -> new ParquetSettings(textColumn);
            default -> settings;
          };
      TokenizerSettings ownTokenizer =
          switch (tokenizer) {
            case BpeKind.NAME -> vocabSize == null ? null : new BpeSettings(vocabSize);
            case HfKind.NAME -> tokenizerFile == null ? null : new HfSettings(tokenizerFile);
            default -> tokenizerSettings;
          };
      return new DataSpec(
          source,
          path,
          tokenizer,
          validationFraction,
          evalTokens,
          epochsAllowed,
          cache,
          own,
          ownTokenizer,
          inputs);
    }
  }

  /** Builds a {@link DataSpec}; unset fields take the spec's defaults. */
  public static final class Builder {
    private final DataSource source;
    private String path;
    private String tokenizer = "bytes";
    private double validationFraction = 0.1;
    private int evalTokens = 8192;
    private boolean epochsAllowed;
    private String cache;
    private SourceSettings settings;
    private TokenizerSettings tokenizerSettings;
    private InputDigest inputs;

    private Builder(DataSource source) {
      this.source = source;
    }

    public Builder path(String path) {
      this.path = path;
      return this;
    }

    public Builder tokenizer(String tokenizer) {
      this.tokenizer = tokenizer;
      return this;
    }

    public Builder validationFraction(double validationFraction) {
      this.validationFraction = validationFraction;
      return this;
    }

    public Builder evalTokens(int evalTokens) {
      this.evalTokens = evalTokens;
      return this;
    }

    /** The tokenizer's own settings (its kind's {@code settingsType()}), null for none. */
    public Builder tokenizerSettings(TokenizerSettings tokenizerSettings) {
      this.tokenizerSettings = tokenizerSettings;
      return this;
    }

    public Builder epochsAllowed(boolean epochsAllowed) {
      this.epochsAllowed = epochsAllowed;
      return this;
    }

    public Builder cache(String cache) {
      this.cache = cache;
      return this;
    }

    /** The source's own settings (its kind's {@code settingsType()}), null for none. */
    public Builder settings(SourceSettings settings) {
      this.settings = settings;
      return this;
    }

    /** The input files' digest, null for none. */
    public Builder inputs(InputDigest inputs) {
      this.inputs = inputs;
      return this;
    }

    public DataSpec build() {
      return new DataSpec(
          source,
          path,
          tokenizer,
          validationFraction,
          evalTokens,
          epochsAllowed,
          cache,
          settings,
          tokenizerSettings,
          inputs);
    }
  }
}
