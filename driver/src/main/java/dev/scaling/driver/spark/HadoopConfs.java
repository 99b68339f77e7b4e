package dev.scaling.driver.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Builds a Hadoop {@link Configuration} on any JVM of the application the way Spark itself does:
 * defaults plus every {@code spark.hadoop.*} entry of the Spark configuration (S3A endpoints and
 * credential providers, HDFS name nodes, {@code fs.SCHEME.impl}). The driver builds its one
 * configuration with {@link #forDriver()} before Spark starts and uses it for the spec, OUT, the
 * commits and the report; every task builds the same one from its executor's Spark conf ({@link
 * #fromSparkConf}), so both sides reach the same stores with the same settings.
 */
public final class HadoopConfs {
  private HadoopConfs() {}

  /**
   * The last Spark conf's {@code spark.hadoop.*} entries and the configuration built from them,
   * loaded: every task of an executor asks for the same one, and loading Hadoop's default resources
   * (parsing core-default.xml) per task cost the scale bench over a second of CPU per trial on a
   * 2-core machine. Copies of it ({@link Configuration#Configuration(Configuration)}) are cheap.
   */
  private static volatile Template template;

  /**
   * The overrides (key, value, key, value... in key order) and the configuration loaded for them.
   */
  private record Template(List<String> key, Configuration loaded) {}

  /**
   * A fresh configuration with the Spark conf's {@code spark.hadoop.*} overrides applied: a copy of
   * one loaded for the same overrides earlier in this JVM, so the caller may change it freely.
   */
  public static Configuration fromSparkConf(SparkConf conf) {
    TreeMap<String, String> overrides = new TreeMap<>();
    for (Tuple2<String, String> e : conf.getAll()) {
      if (e._1().startsWith("spark.hadoop.")) {
        overrides.put(e._1(), e._2());
      }
    }
    List<String> key = new ArrayList<>();
    overrides.forEach(
        (k, v) -> {
          key.add(k);
          key.add(v);
        });
    Template cached = template;
    if (cached == null || !cached.key().equals(key)) {
      Configuration hadoop = new Configuration();
      for (int i = 0; i < key.size(); i += 2) {
        hadoop.set(key.get(i).substring("spark.hadoop.".length()), key.get(i + 1));
      }
      hadoop.size(); // loads the default resources once, here
      cached = new Template(key, hadoop);
      template = cached;
    }
    Configuration loaded = cached.loaded();
    synchronized (loaded) {
      return new Configuration(loaded);
    }
  }

  /**
   * The driver's configuration: from the Spark conf the application's session has or will have (the
   * running session's when one exists, else the {@code spark.*} settings spark-submit and the
   * launcher pass as system properties, which is what {@code SparkSession.builder().getOrCreate()}
   * will use).
   */
  public static Configuration forDriver() {
    SparkConf conf =
        SparkSession.getActiveSession()
            .orElse(() -> SparkSession.getDefaultSession())
            .map(s -> s.sparkContext().getConf())
            .getOrElse(() -> new SparkConf());
    return fromSparkConf(conf);
  }
}
