package dev.scaling.driver.sweep;

import dev.scaling.common.fit.FitOptions;
import dev.scaling.common.spec.SpecException;
import java.util.Objects;

/**
 * What to run: the spec, the OUT folder, how to treat what OUT already holds, checkpointing, and
 * the final fit's settings. Built with {@link #builder(String, String)}; the defaults are the
 * command line's.
 *
 * @param spec the spec's location (a local path or any Hadoop FS URI)
 * @param out the OUT folder (a local path or any Hadoop FS URI)
 * @param planOnly validate and plan only: no Spark, no training
 * @param resume what an OUT with commits means ({@link ResumePolicy#RESUME} by default)
 * @param checkpointSeconds seconds between in-trial checkpoints, 0 for none
 * @param huberDelta Huber delta of the fits' objective
 * @param bootstrap bootstrap resamples of the final fit's intervals (the interim fits use at most
 *     {@link SweepService#INTERIM_BOOTSTRAP})
 * @param verifyPredictions with {@code training.predict_branches}: train the predicted branches too
 *     and report each prediction against its trained twin ({@code --verify-predictions})
 * @param excludePredicted leave the predicted branches out of the L(N, D) fit ({@code
 *     --exclude-predicted}); by default they enter it weighted by their intervals
 */
public record SweepRequest(
    String spec,
    String out,
    boolean planOnly,
    ResumePolicy resume,
    double checkpointSeconds,
    double huberDelta,
    int bootstrap,
    boolean verifyPredictions,
    boolean excludePredicted) {
  public SweepRequest {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(resume, "resume");
    SpecException.require(
        checkpointSeconds >= 0 && Double.isFinite(checkpointSeconds),
        "--checkpoint-every",
        "a finite number >= 0",
        checkpointSeconds);
    SpecException.require(
        huberDelta > 0 && Double.isFinite(huberDelta),
        "--huber-delta",
        "a finite number > 0",
        huberDelta);
    SpecException.require(bootstrap >= 0, "--bootstrap", "a whole number >= 0", bootstrap);
  }

  /** Seconds between checkpoints by default. */
  public static final double DEFAULT_CHECKPOINT_SECONDS = 300;

  /** A builder with the command line's defaults. */
  public static Builder builder(String spec, String out) {
    return new Builder(spec, out);
  }

  /** Builds a {@link SweepRequest}; every setter returns the builder. */
  public static final class Builder {
    private final String spec;
    private final String out;
    private boolean planOnly;
    private ResumePolicy resume = ResumePolicy.RESUME;
    private double checkpointSeconds = DEFAULT_CHECKPOINT_SECONDS;
    private double huberDelta = FitOptions.defaults().huberDelta();
    private int bootstrap = FitOptions.defaults().bootstrap();
    private boolean verifyPredictions;
    private boolean excludePredicted;

    private Builder(String spec, String out) {
      this.spec = spec;
      this.out = out;
    }

    public Builder planOnly(boolean value) {
      planOnly = value;
      return this;
    }

    public Builder resume(ResumePolicy value) {
      resume = value;
      return this;
    }

    public Builder checkpointSeconds(double value) {
      checkpointSeconds = value;
      return this;
    }

    public Builder huberDelta(double value) {
      huberDelta = value;
      return this;
    }

    public Builder bootstrap(int value) {
      bootstrap = value;
      return this;
    }

    public Builder verifyPredictions(boolean value) {
      verifyPredictions = value;
      return this;
    }

    public Builder excludePredicted(boolean value) {
      excludePredicted = value;
      return this;
    }

    public SweepRequest build() {
      return new SweepRequest(
          spec,
          out,
          planOnly,
          resume,
          checkpointSeconds,
          huberDelta,
          bootstrap,
          verifyPredictions,
          excludePredicted);
    }
  }
}
