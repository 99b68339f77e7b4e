package dev.scaling.common.spec;

import java.util.Locale;

/** Where training text comes from: a generated language with a known entropy floor, or real files. */
public enum DataSource {
  /** A seeded stochastic language whose entropy rate is computed exactly. */
  SYNTHETIC,
  /** UTF-8 text files read through Hadoop FileSystem, tokenised as bytes. */
  TEXT;

  /** The spelling used in YAML. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
