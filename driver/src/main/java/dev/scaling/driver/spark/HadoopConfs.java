package dev.scaling.driver.spark;

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

  /** A fresh configuration with the Spark conf's {@code spark.hadoop.*} overrides applied. */
  public static Configuration fromSparkConf(SparkConf conf) {
    Configuration hadoop = new Configuration();
    for (Tuple2<String, String> e : conf.getAll()) {
      if (e._1().startsWith("spark.hadoop.")) {
        hadoop.set(e._1().substring("spark.hadoop.".length()), e._2());
      }
    }
    return hadoop;
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
