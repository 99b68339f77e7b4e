package dev.scaling.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** Each task's Hadoop configuration: a private copy of one loaded per set of overrides. */
class HadoopConfsTest {
  @Test
  void fromSparkConf_freshCopyWithTheOverridesAndDefaults() {
    SparkConf spark =
        new SparkConf(false)
            .set("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000")
            .set("spark.app.name", "x");
    Configuration a = HadoopConfs.fromSparkConf(spark);
    Configuration b = HadoopConfs.fromSparkConf(spark);
    assertNotSame(a, b);
    assertEquals("http://127.0.0.1:9000", a.get("fs.s3a.endpoint"));
    assertEquals("http://127.0.0.1:9000", b.get("fs.s3a.endpoint"));
    // core-default.xml is loaded: its default file system.
    assertEquals("file:///", a.get("fs.defaultFS"));
    assertNull(a.get("app.name"), "only spark.hadoop.* entries");
    a.set("fs.s3a.endpoint", "changed");
    assertEquals("http://127.0.0.1:9000", b.get("fs.s3a.endpoint"), "copies are independent");
    assertEquals(
        "http://127.0.0.1:9000",
        HadoopConfs.fromSparkConf(spark).get("fs.s3a.endpoint"),
        "a caller's change never reaches the next copy");
  }

  @Test
  void fromSparkConf_otherOverridesAnotherConfiguration() {
    Configuration one =
        HadoopConfs.fromSparkConf(new SparkConf(false).set("spark.hadoop.a.b", "1"));
    Configuration two =
        HadoopConfs.fromSparkConf(new SparkConf(false).set("spark.hadoop.a.b", "2"));
    Configuration none = HadoopConfs.fromSparkConf(new SparkConf(false));
    assertEquals("1", one.get("a.b"));
    assertEquals("2", two.get("a.b"));
    assertNull(none.get("a.b"));
  }
}
