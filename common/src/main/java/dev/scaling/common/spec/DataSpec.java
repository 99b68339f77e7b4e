package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import java.io.Serializable;

/**
 * The data every trial of a sweep trains and evaluates on. This record checks the rules every
 * source shares; which sources and tokenizers exist, and what each source needs (a path, the
 * synthetic block), is checked by the worker's registries ({@code
 * dev.scaling.worker.data.DataSources}, {@code dev.scaling.worker.tokenizer.Tokenizers}), which the
 * driver's preflight runs before any trial.
 *
 * @param source which registered data source (synthetic or text today)
 * @param path Hadoop FS URI (file:, hdfs:, s3a:) of the source's files, for sources that read files
 * @param tokenizer name of a registered tokenizer for sources that read text ({@code bytes} by
 *     default)
 * @param validationFraction share of a text corpus held out for evaluation (tail of each file)
 * @param evalTokens tokens scored at each evaluation (the same held-out windows for every trial)
 * @param synthetic shape of the synthetic language (used when source is synthetic)
 * @param textColumn parquet sources: the string column holding one document per row ({@code text}
 *     by default)
 * @param vocabSize trained tokenizers ({@code bpe}): the vocabulary to train to, at least 257 (256
 *     byte tokens and one merge); null for the others
 * @param tokenizerFile {@code hf}: Hadoop FS URI of a Hugging Face {@code tokenizer.json}
 * @param epochsAllowed whether a trial may train on more tokens than the training split holds
 *     (repeating it); when false such a grid is refused before Spark starts
 * @param cache Hadoop FS URI of the folder holding token shards (null: {@code _tokens} beside the
 *     corpus)
 * @param powerlaw shape of the power-law source (present exactly when source is {@code powerlaw};
 *     absent from trial ids otherwise)
 */
public record DataSpec(
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
    @OmitWhenNull PowerLawSpec powerlaw)
    implements Serializable {

  /** The default parquet column of documents. */
  public static final String DEFAULT_TEXT_COLUMN = "text";

  /** Smallest trained byte-level vocabulary: 256 byte tokens and one merge. */
  public static final int MIN_VOCAB_SIZE = 257;

  /** Largest trained vocabulary. */
  public static final int MAX_VOCAB_SIZE = 1 << 20;

  /** A spec of the fields every sweep had before documents and tokenizers with files. */
  public DataSpec(
      DataSource source,
      String path,
      String tokenizer,
      double validationFraction,
      int evalTokens,
      SyntheticSpec synthetic) {
    this(
        source,
        path,
        tokenizer,
        validationFraction,
        evalTokens,
        synthetic,
        DEFAULT_TEXT_COLUMN,
        null,
        null,
        false,
        null);
  }

  /** A spec of every field but the power-law block (absent: a source other than powerlaw). */
  public DataSpec(
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
      String cache) {
    this(
        source,
        path,
        tokenizer,
        validationFraction,
        evalTokens,
        synthetic,
        textColumn,
        vocabSize,
        tokenizerFile,
        epochsAllowed,
        cache,
        null);
  }

  /** This spec with its URIs replaced (the driver makes relative local paths absolute). */
  public DataSpec withLocations(String path, String tokenizerFile, String cache) {
    return new DataSpec(
        source,
        path,
        tokenizer,
        validationFraction,
        evalTokens,
        synthetic,
        textColumn,
        vocabSize,
        tokenizerFile,
        epochsAllowed,
        cache,
        powerlaw);
  }

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
    require(synthetic != null, "data.synthetic", "present", null);
    require(
        textColumn != null && !textColumn.isBlank(),
        "data.text_column",
        "a column name",
        textColumn);
    require(
        vocabSize == null || (vocabSize >= MIN_VOCAB_SIZE && vocabSize <= MAX_VOCAB_SIZE),
        "data.vocab_size",
        "in ["
            + MIN_VOCAB_SIZE
            + ", "
            + MAX_VOCAB_SIZE
            + "] (a byte-level BPE has 256 byte tokens, then one per merge)",
        vocabSize);
    require(
        tokenizerFile == null || !tokenizerFile.isBlank(),
        "data.tokenizer_file",
        "absent or a file URI",
        tokenizerFile);
    require(cache == null || !cache.isBlank(), "data.cache", "absent or a folder URI", cache);
  }
}
