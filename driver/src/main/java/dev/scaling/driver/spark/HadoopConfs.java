package dev.scaling.driver.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * Builds a Hadoop {@link Configuration} on any JVM of the application the way Spark itself does:
 * defaults plus every {@code spark.hadoop.*} entry of the Spark configuration (credentials for s3a,
 * HDFS name nodes), so workers read corpora with the same settings as the driver.
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
}
