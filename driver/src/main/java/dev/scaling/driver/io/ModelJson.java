package dev.scaling.driver.io;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.scaling.common.model.ModelFamilyKind;
import dev.scaling.common.model.ModelFamilyKinds;
import dev.scaling.common.model.ModelFamilySettings;
import dev.scaling.common.model.ParametrizationKind;
import dev.scaling.common.model.ParametrizationKinds;
import dev.scaling.common.model.ParametrizationSettings;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.common.spec.ParametrizationSpec;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The JSON form of the model kinds' settings in commit files. A {@link ParametrizationSpec} is
 * written as its walk form, the fields commit files held before parametrizations owned their
 * settings ({@code {"name":"mup","baseWidth":32}}), any other parametrization's settings under its
 * name; a model family's own settings as {@code {"<family>": {...}}}, and not at all when the
 * family has none (so a transformer trial's commit file is as it always was). Jackson alone cannot
 * read the settings, whose declared types are interfaces that {@code common} (free of Jackson)
 * cannot annotate.
 */
final class ModelJson {
  /** Writes a settings record's own fields (this module's serializers would recurse). */
  private static final ObjectMapper PLAIN = new ObjectMapper();

  private ModelJson() {}

  /** The module that writes and reads parametrizations and model families' settings. */
  static SimpleModule module() {
    SimpleModule module =
        new SimpleModule("ModelJson") {
          @Override
          public void setupModule(SetupContext context) {
            super.setupModule(context);
            // No key at all for a family without settings: commit files keep their form.
            context
                .configOverride(ModelFamilySettings.class)
                .setInclude(
                    JsonInclude.Value.construct(
                        JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL));
          }
        };
    return module
        .addSerializer(ParametrizationSpec.class, new ParametrizationWriter())
        .addDeserializer(ParametrizationSpec.class, new ParametrizationReader())
        .addSerializer(ModelFamilySettings.class, new FamilyWriter())
        .addDeserializer(ModelFamilySettings.class, new FamilyReader());
  }

  private static final class ParametrizationWriter extends StdSerializer<ParametrizationSpec> {
    ParametrizationWriter() {
      super(ParametrizationSpec.class);
    }

    @Override
    public void serialize(ParametrizationSpec spec, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      ParametrizationSpec.V1Leaves f = spec.walkForm();
      gen.writeStartObject();
      gen.writeStringField("name", f.name());
      if (f.baseWidth() != null) {
        gen.writeNumberField("baseWidth", f.baseWidth());
      }
      if (f.settings() != null) {
        gen.writeFieldName(f.name());
        gen.writeTree(PLAIN.valueToTree(f.settings()));
      }
      gen.writeEndObject();
    }
  }

  private static final class ParametrizationReader extends StdDeserializer<ParametrizationSpec> {
    ParametrizationReader() {
      super(ParametrizationSpec.class);
    }

    @Override
    public ParametrizationSpec deserialize(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      JsonNode n = p.getCodec().readTree(p);
      String name = n.path("name").asText();
      ParametrizationKind kind = ParametrizationKinds.kind(name);
      Integer baseWidth = n.hasNonNull("baseWidth") ? n.get("baseWidth").asInt() : null;
      ParametrizationSettings settings = null;
      if (kind.settingsType() != null && n.hasNonNull(name)) {
        settings = PLAIN.treeToValue(n.get(name), kind.settingsType());
      }
      return new ParametrizationSpec.V1Leaves(name, baseWidth, settings).toSpec();
    }
  }

  private static final class FamilyWriter extends StdSerializer<ModelFamilySettings> {
    FamilyWriter() {
      super(ModelFamilySettings.class);
    }

    @Override
    public void serialize(
        ModelFamilySettings settings, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeStartObject();
      gen.writeFieldName(settings.walkKey());
      gen.writeTree(PLAIN.valueToTree(settings));
      gen.writeEndObject();
    }
  }

  private static final class FamilyReader extends StdDeserializer<ModelFamilySettings> {
    FamilyReader() {
      super(ModelFamilySettings.class);
    }

    @Override
    public ModelFamilySettings deserialize(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      JsonNode n = p.getCodec().readTree(p);
      Iterator<Map.Entry<String, JsonNode>> fields = n.fields();
      InvariantViolation.check(
          fields.hasNext(), "a model family's settings name the family, found " + n);
      Map.Entry<String, JsonNode> only = fields.next();
      ModelFamilyKind kind = ModelFamilyKinds.kind(only.getKey());
      InvariantViolation.check(
          kind.settingsType() != null, "model family " + kind.name() + " has no settings");
      return PLAIN.treeToValue(only.getValue(), kind.settingsType());
    }
  }
}
