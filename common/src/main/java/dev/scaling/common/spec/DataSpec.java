package dev.scaling.common.spec;

import static dev.scaling.common.spec.SpecException.require;

import java.io.Serializable;

/**
 * The data every trial of a sweep trains and evaluates on.
 *
 * @param source synthetic or text
 * @param path Hadoop FS URI (file:, hdfs:, s3a:) of a UTF-8 file or folder; required for text, else null
 * @param tokenizer only {@code bytes} for now (vocabulary 256)
 * @param validationFraction share of a text corpus held out for evaluation (tail of each file)
 * @param evalTokens tokens scored at each evaluation (the same held-out windows for every trial)
 * @param synthetic shape of the synthetic language (used when source is synthetic)
 */
public record DataSpec(
    DataSource source,
    String path,
    String tokenizer,
    double validationFraction,
    int evalTokens,
    SyntheticSpec synthetic)
    implements Serializable {

  public DataSpec {
    require(source != null, "data.source", "one of [synthetic, text]", null);
    if (source == DataSource.TEXT) {
      require(path != null && !path.isBlank(), "data.path", "a file or folder URI when data.source is text", path);
    } else {
      require(path == null, "data.path", "absent when data.source is synthetic", path);
    }
    require("bytes".equals(tokenizer), "data.tokenizer", "one of [bytes]", tokenizer);
    require(
        validationFraction > 0 && validationFraction < 0.5,
        "data.validation_fraction",
        "in (0, 0.5)",
        validationFraction);
    require(evalTokens > 0, "data.eval_tokens", "positive", evalTokens);
    require(synthetic != null, "data.synthetic", "present", null);
  }

  /** Vocabulary size the model needs for this data. */
  public int vocabSize() {
    return source == DataSource.SYNTHETIC ? synthetic.vocab() : 256;
  }
}
