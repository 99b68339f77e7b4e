package dev.scaling.common.source;

import dev.scaling.common.spec.SpecBlock;
import java.util.Set;

/**
 * Parquet files, {@code data.source: parquet}: its one setting ({@link ParquetSettings}) is the
 * flat key {@code data.text_column}.
 */
public final class ParquetKind implements DataSourceKind {
  /** The name {@code data.source} selects it by. */
  public static final String NAME = "parquet";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> keys() {
    return Set.of("text_column");
  }

  @Override
  public Class<ParquetSettings> settingsType() {
    return ParquetSettings.class;
  }

  @Override
  public ParquetSettings parse(SpecBlock data) {
    return new ParquetSettings(data.string("text_column", ParquetSettings.DEFAULT_TEXT_COLUMN));
  }
}
