package dev.scaling.worker.data;

import static dev.scaling.common.spec.SpecException.require;

import dev.scaling.common.source.ParquetSettings;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.SpecException;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * The {@code parquet} source: Parquet files at {@code data.path} (a file or a folder of {@code
 * .parquet} files, any Hadoop FS URI), one document per row in the string column {@code
 * data.text_column} (null rows skipped), read with parquet-hadoop column by projection. Documents
 * are held out by their hash ({@link Documents}).
 */
final class ParquetSource extends DocumentSource {

  @Override
  public String name() {
    return "parquet";
  }

  @Override
  public void check(DataSpec data) {
    super.check(data);
    String column = data.settings(ParquetSettings.class).textColumn();
    require(column.matches("[^.\\s]+"), "data.text_column", "a top-level column name", column);
  }

  /**
   * The schema of {@code file}, checked to hold the text column as a string.
   *
   * @throws SpecException naming {@code data.text_column} when the column is missing or no string
   */
  private static MessageType schema(FileStatus file, DataSpec data, Configuration conf)
      throws IOException {
    ParquetMetadata footer;
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromStatus(file, conf))) {
      footer = reader.getFooter();
    } catch (RuntimeException e) {
      throw new IOException(file.getPath() + " is not a Parquet file: " + e.getMessage(), e);
    }
    MessageType schema = footer.getFileMetaData().getSchema();
    String column = data.settings(ParquetSettings.class).textColumn();
    if (!schema.containsField(column)) {
      throw new SpecException(
          "data.text_column",
          "a column of " + file.getPath() + " (its columns: " + names(schema) + ")",
          column);
    }
    Type type = schema.getType(column);
    boolean string =
        type.isPrimitive()
            && type.asPrimitiveType().getPrimitiveTypeName()
                == PrimitiveType.PrimitiveTypeName.BINARY
            && (type.getLogicalTypeAnnotation() == null
                || type.getLogicalTypeAnnotation()
                    instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation)
            && type.getRepetition() != Type.Repetition.REPEATED;
    if (!string) {
      throw new SpecException(
          "data.text_column",
          "a string column of " + file.getPath(),
          column + " (" + type.toString().strip() + ")");
    }
    return new MessageType(schema.getName(), type);
  }

  private static String names(MessageType schema) {
    return schema.getFields().stream().map(Type::getName).toList().toString();
  }

  @Override
  void readFile(FileStatus file, boolean single, Spec spec, Documents.Sink sink)
      throws IOException {
    DataSpec data = spec.data();
    Configuration conf = new Configuration(spec.conf());
    MessageType projection;
    try {
      projection = schema(file, data, conf);
    } catch (SpecException e) {
      throw new TokenCache.CorpusException(e.getMessage());
    }
    conf.set(ReadSupport.PARQUET_READ_SCHEMA, projection.toString());
    String where = file.getPath().toString();
    try (ParquetReader<Group> reader =
        ParquetReader.builder(new GroupReadSupport(), file.getPath()).withConf(conf).build()) {
      long row = 0;
      for (Group g = reader.read(); g != null; g = reader.read(), row++) {
        if (g.getFieldRepetitionCount(0) == 0) {
          continue; // a null document
        }
        byte[] utf8 = g.getBinary(0, 0).getBytes();
        sink.accept(
            new Documents.Document(
                utf8,
                where + " row " + row,
                0,
                Documents.heldOut(utf8, spec.validationFraction())));
      }
    }
  }

  /** Reads each file's footer: the column is a string, and the files hold rows. */
  @Override
  DataSummary checkFiles(
      DataSpec data, int context, List<FileStatus> files, boolean single, Configuration conf)
      throws IOException {
    long rows = 0;
    long bytes = 0;
    for (FileStatus file : files) {
      schema(file, data, conf);
      try (ParquetFileReader reader =
          ParquetFileReader.open(HadoopInputFile.fromStatus(file, conf))) {
        for (BlockMetaData block : reader.getFooter().getBlocks()) {
          rows += block.getRowCount();
        }
      }
      bytes += file.getLen();
    }
    if (rows == 0) {
      throw new IOException("parquet corpus " + data.path() + " is empty (no rows)");
    }
    return new DataSummary(name(), vocab(data), files.size(), bytes);
  }
}
