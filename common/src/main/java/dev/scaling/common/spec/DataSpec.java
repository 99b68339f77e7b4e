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
  }
}
