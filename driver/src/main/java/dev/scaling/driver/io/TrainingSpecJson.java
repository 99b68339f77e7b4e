package dev.scaling.driver.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.scaling.common.schedule.ScheduleKind;
import dev.scaling.common.schedule.ScheduleSettings;
import dev.scaling.common.schedule.Schedules;
import dev.scaling.common.spec.LrBatchScaling;
import dev.scaling.common.spec.TrainingSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of {@link TrainingSpec} in commit files: its fields by name, and the schedule's own
 * settings under the schedule's name (e.g. {@code "wsd": {...}}, as commit files always held them),
 * then the batch-size settings ({@code microbatches} and {@code baseBatchSize} when set, {@code
 * noiseScale}, {@code lrBatchScaling}; a file without them reads as the defaults), read back as the
 * settings record of the kind {@code schedule} names. Jackson alone cannot read the settings, whose
 * declared type is an interface that {@code common} (free of Jackson) cannot annotate.
 */
final class TrainingSpecJson {
  private TrainingSpecJson() {}

  /** The module that writes and reads {@link TrainingSpec}. */
  static SimpleModule module() {
    return new SimpleModule("TrainingSpecJson")
        .addSerializer(TrainingSpec.class, new Writer())
        .addDeserializer(TrainingSpec.class, new Reader());
  }

  private static final class Writer extends StdSerializer<TrainingSpec> {
    Writer() {
      super(TrainingSpec.class);
    }

    @Override
    public void serialize(TrainingSpec t, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeStartObject();
      gen.writeNumberField("batchSize", t.batchSize());
      gen.writeNumberField("learningRate", t.learningRate());
      gen.writeNumberField("warmupFraction", t.warmupFraction());
      gen.writeNumberField("minLrFraction", t.minLrFraction());
      gen.writeNumberField("gradClip", t.gradClip());
      gen.writeNumberField("evalInterval", t.evalInterval());
      gen.writeStringField("schedule", t.schedule());
      if (t.settings() != null) {
        gen.writeFieldName(t.schedule());
        // Absent optional settings (wsd's prediction settings, which a trial never carries) are
        // left out, so the settings keep the form commit files always had.
        ObjectNode settings = ((ObjectMapper) gen.getCodec()).valueToTree(t.settings());
        List<String> absent = new ArrayList<>();
        settings
            .fields()
            .forEachRemaining(
                e -> {
                  if (e.getValue().isNull()) {
                    absent.add(e.getKey());
                  }
                });
        settings.remove(absent);
        gen.writeTree(settings);
      }
      // The batch-size settings, after everything earlier commit files held; absent ones (one
      // microbatch, no base batch size) are left out.
      if (t.microbatches() != null) {
        gen.writeNumberField("microbatches", t.microbatches());
      }
      gen.writeBooleanField("noiseScale", t.noiseScale());
      gen.writeStringField("lrBatchScaling", t.lrBatchScaling().label());
      if (t.baseBatchSize() != null) {
        gen.writeNumberField("baseBatchSize", t.baseBatchSize());
      }
      gen.writeEndObject();
    }
  }

  private static final class Reader extends StdDeserializer<TrainingSpec> {
    Reader() {
      super(TrainingSpec.class);
    }

    @Override
    public TrainingSpec deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonNode n = p.getCodec().readTree(p);
      // Absent in commit files written before schedules were selectable: those trials ran cosine.
      String schedule = n.hasNonNull("schedule") ? n.get("schedule").asText() : Schedules.DEFAULT;
      ScheduleKind kind = Schedules.kind(schedule);
      ScheduleSettings settings = null;
      if (kind.settingsType() != null && n.hasNonNull(kind.name())) {
        settings = p.getCodec().treeToValue(n.get(kind.name()), kind.settingsType());
      }
      // Absent in commit files written before batch size was an axis: one microbatch, the noise
      // scale on (it measured nothing with one), no batch scaling of the learning rate.
      return new TrainingSpec(
          n.path("batchSize").asInt(),
          n.path("learningRate").asDouble(),
          n.path("warmupFraction").asDouble(),
          n.path("minLrFraction").asDouble(),
          n.path("gradClip").asDouble(),
          n.path("evalInterval").asInt(),
          schedule,
          settings,
          n.hasNonNull("microbatches") ? n.get("microbatches").asInt() : null,
          n.path("noiseScale").asBoolean(true),
          n.hasNonNull("lrBatchScaling")
              ? LrBatchScaling.parse("lrBatchScaling", n.get("lrBatchScaling").asText())
              : LrBatchScaling.NONE,
          n.hasNonNull("baseBatchSize") ? n.get("baseBatchSize").asInt() : null);
    }
  }
}
