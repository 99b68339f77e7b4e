package dev.scaling.driver.spark;

import dev.scaling.common.trial.Provenance;
import dev.scaling.common.trial.TrialOutcome;
import dev.scaling.worker.Engines;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Builds the {@link Provenance} of a trial on the JVM that trained it, and compares committed
 * trials' application versions with the running one on resume. The application version comes from
 * {@code build-info.properties}, which Maven fills in at build time with the project version and
 * git commit.
 */
public final class TrialProvenance {
  private TrialProvenance() {}

  /** Shown for commit files written before provenance was recorded. */
  public static final String UNRECORDED = "unrecorded";

  private static final String APP_VERSION = readAppVersion();

  /**
   * This build's version: {@code VERSION+gCOMMIT[-dirty]}, or {@code VERSION} when built outside
   * git.
   */
  public static String appVersion() {
    return APP_VERSION;
  }

  /**
   * The provenance of a trial trained on the calling thread now: versions of this JVM and its
   * libraries, and libtorch's intra-op thread count on this thread (starts the engine).
   */
  public static Provenance current() {
    return new Provenance(
        APP_VERSION,
        Engines.djlVersion(),
        Engines.libtorchVersion(),
        System.getProperty("java.version"),
        System.getProperty("os.arch"),
        Engines.threadsOnCurrentThread());
  }

  /**
   * A console warning when some committed trials were written by another application version (or
   * before versions were recorded): how many, and which versions; empty when all match {@code
   * current}.
   */
  public static Optional<String> foreignVersions(
      Collection<TrialOutcome> committed, String current) {
    Map<String, Long> others =
        committed.stream()
            .map(o -> o.provenance() == null ? UNRECORDED : o.provenance().appVersion())
            .filter(v -> !v.equals(current))
            .collect(Collectors.groupingBy(v -> v, TreeMap::new, Collectors.counting()));
    if (others.isEmpty()) {
      return Optional.empty();
    }
    long n = others.values().stream().mapToLong(Long::longValue).sum();
    String versions =
        others.entrySet().stream()
            .map(e -> e.getKey() + " (" + e.getValue() + ")")
            .collect(Collectors.joining(", "));
    return Optional.of(
        String.format(
            Locale.ROOT,
            "Warning: %d of %d committed trial(s) in OUT were written by another application version: %s;"
                + " this is %s. They are kept in the tables (column app_version); --force retrains everything.",
            n,
            committed.size(),
            versions,
            current));
  }

  private static String readAppVersion() {
    Properties p = new Properties();
    try (InputStream in = TrialProvenance.class.getResourceAsStream("build-info.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = filled(p.getProperty("version"));
    String commit = filled(p.getProperty("git.commit"));
    String base = Objects.requireNonNullElse(version, "unknown");
    return commit == null || commit.equals("unknown") ? base : base + "+" + commit;
  }

  /** A filtered value, or null where the build did not fill it in (run from unfiltered sources). */
  private static String filled(String value) {
    return value == null || value.isBlank() || value.contains("${") ? null : value.trim();
  }
}
