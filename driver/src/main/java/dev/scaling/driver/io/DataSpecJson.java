package dev.scaling.driver.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.scaling.common.source.DataSourceKind;
import dev.scaling.common.source.DataSourceKinds;
import dev.scaling.common.source.SourceSettings;
import dev.scaling.common.spec.DataSource;
import dev.scaling.common.spec.DataSpec;
import dev.scaling.common.spec.InputDigest;
import dev.scaling.common.spec.SyntheticSpec;
import dev.scaling.common.tokenizer.TokenizerKind;
import dev.scaling.common.tokenizer.TokenizerKinds;
import dev.scaling.common.tokenizer.TokenizerSettings;
import java.io.IOException;

/**
 * The JSON form of {@link DataSpec} in commit files: the flat fields commit files held before
 * sources owned their settings (those of {@link DataSpec.V3Leaves}: the synthetic block and the
 * parquet column whatever the source), and the settings of any other source under the source's name
 * (e.g. {@code "powerlaw": {...}}, as commit files always held them; the bpe vocabulary and the hf
 * file in their flat fields, another tokenizer's settings under its name), so older commit files
 * stay readable and newer ones readable by older code. Jackson alone cannot read the settings,
 * whose declared type is an interface that {@code common} (free of Jackson) cannot annotate.
 */
final class DataSpecJson {
  private DataSpecJson() {}

  /** The module that writes and reads {@link DataSpec}. */
  static SimpleModule module() {
    return new SimpleModule("DataSpecJson")
        .addSerializer(DataSpec.class, new Writer())
        .addDeserializer(DataSpec.class, new Reader());
  }

  private static final class Writer extends StdSerializer<DataSpec> {
    Writer() {
      super(DataSpec.class);
    }

    @Override
    public void serialize(DataSpec d, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      DataSpec.V3Leaves f = d.walkForm();
      gen.writeStartObject();
      gen.writeFieldName("source");
      provider.defaultSerializeValue(f.source(), gen);
      gen.writeStringField("path", f.path());
      gen.writeStringField("tokenizer", f.tokenizer());
      gen.writeNumberField("validationFraction", f.validationFraction());
      gen.writeNumberField("evalTokens", f.evalTokens());
      gen.writeFieldName("synthetic");
      provider.defaultSerializeValue(f.synthetic(), gen);
      gen.writeStringField("textColumn", f.textColumn());
      gen.writeFieldName("vocabSize");
      provider.defaultSerializeValue(f.vocabSize(), gen);
      gen.writeStringField("tokenizerFile", f.tokenizerFile());
      gen.writeBooleanField("epochsAllowed", f.epochsAllowed());
      gen.writeStringField("cache", f.cache());
      if (f.settings() != null) {
        gen.writeFieldName(f.source().name());
        provider.defaultSerializeValue(f.settings(), gen);
      }
      if (f.tokenizerSettings() != null) {
        gen.writeFieldName(f.tokenizer());
        provider.defaultSerializeValue(f.tokenizerSettings(), gen);
      }
      if (f.inputs() != null) {
        gen.writeFieldName("inputs");
        provider.defaultSerializeValue(f.inputs(), gen);
      }
      gen.writeEndObject();
    }
  }

  private static final class Reader extends StdDeserializer<DataSpec> {
    Reader() {
      super(DataSpec.class);
    }

    @Override
    public DataSpec deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonNode n = p.getCodec().readTree(p);
      JsonNode s = n.path("source");
      DataSource source = new DataSource(s.isTextual() ? s.asText() : s.path("name").asText());
      DataSourceKind kind = DataSourceKinds.kind(source.name());
      SourceSettings settings = null;
      if (kind.settingsType() != null && n.hasNonNull(kind.name())) {
        settings = p.getCodec().treeToValue(n.get(kind.name()), kind.settingsType());
      }
      String tokenizer = text(n, "tokenizer");
      TokenizerKind tokenizerKind = TokenizerKinds.kind(tokenizer);
      TokenizerSettings tokenizerSettings = null;
      if (tokenizerKind.settingsType() != null && n.hasNonNull(tokenizerKind.name())) {
        tokenizerSettings =
            p.getCodec().treeToValue(n.get(tokenizerKind.name()), tokenizerKind.settingsType());
      }
      return new DataSpec.V3Leaves(
              source,
              text(n, "path"),
              tokenizer,
              n.path("validationFraction").asDouble(),
              n.path("evalTokens").asInt(),
              n.hasNonNull("synthetic")
                  ? p.getCodec().treeToValue(n.get("synthetic"), SyntheticSpec.class)
                  : SyntheticSpec.DEFAULT,
              n.hasNonNull("textColumn") ? n.get("textColumn").asText() : "text",
              n.hasNonNull("vocabSize") ? n.get("vocabSize").asInt() : null,
              text(n, "tokenizerFile"),
              n.path("epochsAllowed").asBoolean(false),
              text(n, "cache"),
              settings,
              tokenizerSettings,
              n.hasNonNull("inputs")
                  ? p.getCodec().treeToValue(n.get("inputs"), InputDigest.class)
                  : null)
          .toSpec();
    }

    private static String text(JsonNode n, String field) {
      return n.hasNonNull(field) ? n.get(field).asText() : null;
    }
  }
}
