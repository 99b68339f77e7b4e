package dev.scaling.common.source;

import static dev.scaling.common.spec.SpecException.require;

/**
 * The settings of the parquet source: which string column holds one document per row ({@code
 * data.text_column}, {@code text} by default). Trial ids list it as {@code data.text_column}, where
 * it always was (see {@link dev.scaling.common.spec.DataSpec#walkForm()}).
 *
 * @param textColumn the top-level string column of documents
 */
public record ParquetSettings(String textColumn) implements SourceSettings {
  /** The default column of documents. */
  public static final String DEFAULT_TEXT_COLUMN = "text";

  /** The settings of a spec that names no column. */
  public static final ParquetSettings DEFAULT = new ParquetSettings(DEFAULT_TEXT_COLUMN);

  public ParquetSettings {
    require(
        textColumn != null && !textColumn.isBlank(),
        "data.text_column",
        "a column name",
        textColumn);
  }

  @Override
  public String walkKey() {
    return ParquetKind.NAME;
  }
}
