package dev.scaling.driver.spark;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under its own scheme, {@code sweeptest:}, which Hadoop knows only when
 * {@code fs.sweeptest.impl} names this class: a real store that only a configuration honouring
 * {@code spark.hadoop.*} can reach.
 */
public class SchemeTestFileSystem extends RawLocalFileSystem {
  /** The scheme. */
  public static final String SCHEME = "sweeptest";

  private static final URI NAME = URI.create(SCHEME + ":///");

  @Override
  public URI getUri() {
    return NAME;
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }
}
