package dev.scaling.common.spec;

import java.io.Serializable;

/**
 * What a sweep's input files are, by content, so a trial's id changes when they change in place:
 * the corpus manifest's digest (every file the source reads, with its name, size and modification
 * time) and the digest of a tokenizer file's bytes. The driver computes it when it loads a spec
 * ({@code dev.scaling.driver.io.InputDigests}); a spec that reads no files has none, and its trial
 * ids are as they were.
 *
 * @param corpus the first 16 hex digits of SHA-256 over the corpus manifest, null without a corpus
 * @param tokenizerFile the first 16 hex digits of SHA-256 over the tokenizer file's bytes, null
 *     without one
 */
public record InputDigest(@OmitWhenNull String corpus, @OmitWhenNull String tokenizerFile)
    implements Serializable {
  public InputDigest {
    InvariantViolation.check(
        corpus == null || corpus.matches("[0-9a-f]{16}"), "corpus digest " + corpus);
    InvariantViolation.check(
        tokenizerFile == null || tokenizerFile.matches("[0-9a-f]{16}"),
        "tokenizer file digest " + tokenizerFile);
    InvariantViolation.check(
        corpus != null || tokenizerFile != null, "an input digest of no input");
  }
}
