package dev.scaling.common.trial;

import dev.scaling.common.spec.InvariantViolation;
import java.io.Serializable;

/**
 * What produced one trial's result, recorded beside it in the commit file and the trials table, so
 * rows written by different builds, libraries or machines can be told apart (the way Tribuo
 * attaches a typed provenance to every model). The device the trial trained on is {@link
 * TrialResult#device()}.
 *
 * @param appVersion this application's version: the build version plus the git commit it was built
 *     from ({@code 0.1.0-SNAPSHOT+g1a2b3c4d5e6f}, {@code -dirty} when the tree had uncommitted
 *     changes), or the build version alone when it was built outside git
 * @param djlVersion the DJL version on the executor's classpath
 * @param libtorchVersion the libtorch version DJL's PyTorch engine loaded
 * @param javaVersion the executor JVM's {@code java.version}
 * @param osArch the executor's {@code os.arch}
 * @param intraOpThreads libtorch's intra-op thread count on the thread that trained the trial
 * @param trainer what produced the result: {@value #TRAINER_DJL} for real training, {@value
 *     #TRAINER_STAND_IN} for the scale bench's stand-in, which sleeps and writes a synthetic curve
 *     (never a trained result); a commit written before this field existed reads as {@value
 *     #TRAINER_DJL}
 */
public record Provenance(
    String appVersion,
    String djlVersion,
    String libtorchVersion,
    String javaVersion,
    String osArch,
    int intraOpThreads,
    String trainer)
    implements Serializable {
  /** {@link #trainer} of a result trained by the DJL trainer. */
  public static final String TRAINER_DJL = "djl";

  /** {@link #trainer} of a result made up by the scale bench's stand-in (not trained). */
  public static final String TRAINER_STAND_IN = "stand-in";

  public Provenance {
    trainer = trainer == null || trainer.isBlank() ? TRAINER_DJL : trainer;
    for (String[] f :
        new String[][] {
          {"app_version", appVersion},
          {"djl_version", djlVersion},
          {"libtorch_version", libtorchVersion},
          {"java_version", javaVersion},
          {"os_arch", osArch}
        }) {
      InvariantViolation.check(
          f[1] != null && !f[1].isBlank(),
          "provenance " + f[0] + " must be present, found " + f[1]);
    }
    InvariantViolation.check(
        intraOpThreads >= 1, "provenance intra_op_threads must be >= 1, found " + intraOpThreads);
  }

  /** A provenance of real (DJL) training. */
  public Provenance(
      String appVersion,
      String djlVersion,
      String libtorchVersion,
      String javaVersion,
      String osArch,
      int intraOpThreads) {
    this(appVersion, djlVersion, libtorchVersion, javaVersion, osArch, intraOpThreads, null);
  }

  /** This provenance with {@code trainer} as its {@link #trainer}. */
  public Provenance withTrainer(String trainer) {
    return new Provenance(
        appVersion, djlVersion, libtorchVersion, javaVersion, osArch, intraOpThreads, trainer);
  }

  /** Whether the result was made up by the scale bench's stand-in instead of trained. */
  public boolean standIn() {
    return TRAINER_STAND_IN.equals(trainer);
  }
}
