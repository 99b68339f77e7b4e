package dev.scaling.common.spec;

import dev.scaling.common.model.ModelFamilyKind;
import dev.scaling.common.model.ModelFamilyKinds;
import dev.scaling.common.model.ParametrizationKind;
import dev.scaling.common.model.ParametrizationKinds;
import dev.scaling.common.schedule.ScheduleKind;
import dev.scaling.common.schedule.ScheduleSettings;
import dev.scaling.common.schedule.Schedules;
import dev.scaling.common.source.DataSourceKind;
import dev.scaling.common.source.DataSourceKinds;
import dev.scaling.common.tokenizer.TokenizerKind;
import dev.scaling.common.tokenizer.TokenizerKinds;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a sweep spec from YAML (SnakeYAML, safe constructor) into a validated {@link SweepSpec}.
 * Every key is checked: unknown keys, wrong types and bad values fail with a {@link SpecException}
 * naming the field, the rule and the value found.
 */
public final class SpecParser {

  private SpecParser() {}

  /** Parses a spec file from the local file system. */
  public static SweepSpec parse(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in);
    }
  }

  /** Parses YAML text. */
  public static SweepSpec parse(String yaml) {
    return parse(new java.io.ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
  }

  /** Parses YAML from a stream (UTF-8). */
  public static SweepSpec parse(InputStream in) {
    Object root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      root =
          new Yaml(new SafeConstructor(options))
              .load(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (MarkedYAMLException e) {
      throw SpecException.of("spec", "is not valid YAML " + marked(e));
    } catch (YAMLException e) {
      throw SpecException.of("spec", "is not valid YAML: " + oneLine(e.getMessage()));
    }
    SpecBlock top = SpecBlock.root(root);
    String name = top.string("name", null);
    long seed = top.longValue("seed", null);
    DataSpec data = data(top.child("data"));
    ModelSpec model = model(top.child("model"));
    GridSpec grid = grid(top.child("grid"));
    TrialLimit.check(grid);
    TrainingSpec training = training(top.child("training"));
    top.rejectUnknown(Set.of("name", "seed", "data", "model", "grid", "training"));
    return new SweepSpec(name, seed, data, model, grid, training);
  }

  /**
   * A parser error as one line: where (1-based line and column), the problem (e.g. "found duplicate
   * key depth", "found character '\\t(TAB)' that cannot start any token") and its context with its
   * own line, e.g. "at line 13, column 3: found duplicate key depth (while constructing a mapping
   * at line 11, column 3)".
   */
  private static String marked(MarkedYAMLException e) {
    StringBuilder s = new StringBuilder();
    Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    if (at != null) {
      s.append(
          String.format(
              Locale.ROOT, "at line %d, column %d", at.getLine() + 1, at.getColumn() + 1));
    }
    s.append(": ").append(oneLine(e.getProblem() != null ? e.getProblem() : e.getMessage()));
    if (e.getContext() != null) {
      s.append(" (").append(oneLine(e.getContext()));
      Mark c = e.getContextMark();
      if (c != null && c != at) {
        s.append(
            String.format(
                Locale.ROOT, " at line %d, column %d", c.getLine() + 1, c.getColumn() + 1));
      }
      s.append(')');
    }
    return s.toString();
  }

  /** {@code text} with line breaks and other control characters as spaces, at most 200 chars. */
  private static String oneLine(String text) {
    String t = text == null ? "" : text.replaceAll("\\p{Cntrl}+", " ").trim();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  /**
   * The {@code data} section: the fields every source shares, and the settings of the source {@code
   * data.source} names, which its {@link DataSourceKind} reads from this block. A key another
   * source reads is refused, naming that source. Which tokenizers exist, and what each source needs
   * from the shared fields, the worker's registries decide, and the driver's preflight checks that
   * before any trial runs.
   */
  private static DataSpec data(SpecBlock n) {
    DataSource source = new DataSource(n.string("source", DataSource.SYNTHETIC.name()));
    DataSourceKind kind = DataSourceKinds.kind(source.name());
    String tokenizer = n.string("tokenizer", TokenizerKinds.DEFAULT);
    TokenizerKind tokenizerKind = TokenizerKinds.kind(tokenizer);
    Set<String> known = new TreeSet<>(DATA_KEYS);
    known.addAll(kind.keys());
    known.addAll(tokenizerKind.keys());
    rejectOthers(
        n,
        known,
        "data.source",
        "data.source is " + source,
        DataSourceKinds.kinds(),
        DataSourceKind::name,
        DataSourceKind::keys);
    rejectOthers(
        n,
        known,
        "data.tokenizer",
        "data.tokenizer is " + tokenizer,
        TokenizerKinds.kinds(),
        TokenizerKind::name,
        TokenizerKind::keys);
    DataSpec d =
        DataSpec.builder(source)
            .path(n.string("path", null))
            .tokenizer(tokenizer)
            .validationFraction(n.doubleValue("validation_fraction", 0.1))
            .evalTokens(n.intValue("eval_tokens", 8192))
            .epochsAllowed(n.has("epochs_allowed") && n.booleanValue("epochs_allowed"))
            .cache(n.string("cache", null))
            .settings(kind.parse(n))
            .tokenizerSettings(tokenizerKind.parse(n))
            .build();
    n.rejectUnknown(known);
    return d;
  }

  /** The keys of {@code data} every source shares. */
  private static final Set<String> DATA_KEYS =
      Set.of(
          "source",
          "path",
          "tokenizer",
          "validation_fraction",
          "eval_tokens",
          "epochs_allowed",
          "cache");

  /**
   * Refuses a key of {@code n} that another kind of the same registry reads ({@code data.powerlaw}
   * under {@code data.source: text}, say), naming the kind that would read it.
   *
   * @param known the keys the selected kind and every kind share
   * @param selector the key that selects the kind, e.g. {@code data.source}
   * @param selected what the spec selected, e.g. {@code data.source is text}
   */
  private static <K> void rejectOthers(
      SpecBlock n,
      Set<String> known,
      String selector,
      String selected,
      Iterable<K> kinds,
      Function<K, String> name,
      Function<K, Set<String>> keys) {
    for (K other : kinds) {
      for (String key : new TreeSet<>(keys.apply(other))) {
        if (!known.contains(key) && n.has(key)) {
          Object value = n.map().get(key);
          throw new SpecException(
              n.path(key),
              "absent unless " + selector + " is " + name.apply(other) + " (" + selected + ")",
              value instanceof Map<?, ?> ? "a " + key + " block" : value);
        }
      }
    }
  }

  /**
   * The {@code model} section: the keys every family shares, the settings of the family {@code
   * model.family} names and of the parametrization {@code model.parametrization} names, each read
   * from this block by its kind ({@link ModelFamilyKind}, {@link ParametrizationKind}). A key
   * another family or parametrization reads is refused, naming it. The standard parametrization is
   * no section at all (null), so a spec that does not name one keeps its trial ids.
   */
  private static ModelSpec model(SpecBlock n) {
    String family = n.string("family", ModelFamilyKinds.DEFAULT);
    ModelFamilyKind familyKind = ModelFamilyKinds.kind(family);
    String parametrization = n.string("parametrization", ParametrizationKinds.DEFAULT);
    ParametrizationKind kind = ParametrizationKinds.kind(parametrization);
    Set<String> known = new TreeSet<>(MODEL_KEYS);
    known.addAll(familyKind.keys());
    known.addAll(kind.keys());
    rejectOthers(
        n,
        known,
        "model.family",
        "model.family is " + family,
        ModelFamilyKinds.kinds(),
        ModelFamilyKind::name,
        ModelFamilyKind::keys);
    rejectOthers(
        n,
        known,
        "model.parametrization",
        "parametrization is " + parametrization,
        ParametrizationKinds.kinds(),
        ParametrizationKind::name,
        ParametrizationKind::keys);
    ModelSpec m =
        new ModelSpec(
            family,
            n.intValue("context", null),
            n.intValue("head_size", null),
            new ParametrizationSpec(parametrization, kind.parse(n)),
            familyKind.parse(n));
    n.rejectUnknown(known);
    return m;
  }

  /** The keys of {@code model} every family and parametrization shares. */
  private static final Set<String> MODEL_KEYS =
      Set.of("family", "context", "head_size", "parametrization");

  private static GridSpec grid(SpecBlock n) {
    IsoflopSpec isoflop = null;
    if (n.has("isoflop")) {
      SpecBlock i = n.child("isoflop");
      isoflop =
          new IsoflopSpec(
              i.doubleList("budgets"),
              i.intValue("models", null),
              i.doubleValue("span", null),
              i.doubleValue("tokens_per_param", null));
      i.rejectUnknown(Set.of("budgets", "models", "span", "tokens_per_param"));
    }
    GridSpec g =
        new GridSpec(
            n.intList("width"),
            n.intList("depth"),
            n.has("tokens") ? n.longList("tokens") : null,
            n.has("learning_rate") ? n.doubleList("learning_rate") : List.of(),
            n.has("batch_size") ? nonEmpty(n, "batch_size", n.intList("batch_size")) : List.of(),
            n.has("seeds") ? n.intList("seeds") : List.of(0),
            isoflop);
    n.rejectUnknown(
        Set.of("width", "depth", "tokens", "learning_rate", "batch_size", "seeds", "isoflop"));
    return g;
  }

  /**
   * {@code values}, the list written under {@code key}; an empty list there is refused (absent is
   * the way to leave an optional axis out).
   */
  private static <T> List<T> nonEmpty(SpecBlock n, String key, List<T> values) {
    if (values.isEmpty()) {
      throw new SpecException(n.path(key), "a non-empty list (or absent)", values);
    }
    return values;
  }

  /**
   * The {@code training} section: the fields every schedule shares, and the settings of the one
   * {@code training.schedule} names, which its {@link ScheduleKind} reads from this block. A key
   * another schedule reads is refused, naming that schedule.
   */
  private static TrainingSpec training(SpecBlock n) {
    String schedule = n.string("schedule", Schedules.DEFAULT);
    ScheduleKind kind = Schedules.kind(schedule);
    Set<String> known = new TreeSet<>(TRAINING_KEYS);
    known.addAll(kind.keys());
    rejectOthers(
        n,
        known,
        "training.schedule",
        "schedule is " + schedule,
        Schedules.kinds(),
        ScheduleKind::name,
        ScheduleKind::keys);
    ScheduleSettings settings = kind.parse(n);
    TrainingSpec t =
        new TrainingSpec(
            n.intValue("batch_size", null),
            n.doubleValue("learning_rate", null),
            kind.warmsUpByFraction() ? n.doubleValue("warmup_fraction", 0.05) : 0.0,
            n.doubleValue("min_lr_fraction", kind.defaultMinLrFraction()),
            n.doubleValue("grad_clip", 1.0),
            n.intValue("eval_interval", 100),
            schedule,
            settings,
            n.has("microbatches") ? n.intValue("microbatches", null) : null,
            onOff(n, "noise_scale", true),
            LrBatchScaling.parse(
                n.path("lr_batch_scaling"),
                n.string("lr_batch_scaling", LrBatchScaling.NONE.label())),
            n.has("base_batch_size") ? n.intValue("base_batch_size", null) : null);
    if (n.has("noise_scale")) {
      SpecException.require(
          !t.noiseScale() || t.microbatchCount() >= 2,
          "training.noise_scale",
          "off (or absent) unless training.microbatches is 2 or more (the noise scale compares the"
              + " gradients of the microbatches with the whole batch's; training.microbatches is "
              + t.microbatchCount()
              + ")",
          "on");
    }
    SpecException.require(
        t.baseBatchSize() == null || t.lrBatchScaling() != LrBatchScaling.NONE,
        "training.base_batch_size",
        "absent unless training.lr_batch_scaling is sqrt or linear (it is the batch size at which"
            + " training.learning_rate is the peak as written; training.lr_batch_scaling is none)",
        t.baseBatchSize());
    n.rejectUnknown(known);
    return t;
  }

  /**
   * A switch written {@code on} or {@code off}. YAML 1.1 (SnakeYAML) reads bare on/off, like
   * true/false and yes/no, as booleans, so a boolean is taken as it is; a string must be {@code
   * on}, {@code off}, {@code true} or {@code false}.
   */
  private static boolean onOff(SpecBlock n, String key, boolean dflt) {
    Object v = n.map().get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s && (s.equals("on") || s.equals("true"))) {
      return true;
    }
    if (v instanceof String s && (s.equals("off") || s.equals("false"))) {
      return false;
    }
    throw new SpecException(n.path(key), "on or off", v);
  }

  /** The keys of {@code training} every schedule shares. */
  private static final Set<String> TRAINING_KEYS =
      Set.of(
          "batch_size",
          "learning_rate",
          "warmup_fraction",
          "min_lr_fraction",
          "grad_clip",
          "eval_interval",
          "schedule",
          "microbatches",
          "noise_scale",
          "lr_batch_scaling",
          "base_batch_size");
}
