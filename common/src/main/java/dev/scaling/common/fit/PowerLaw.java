package dev.scaling.common.fit;

import dev.scaling.common.spec.InvariantViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A single-variable power law with offset, L(x) = E + A/x^alpha, i.e. log L = LSE(a - alpha log x,
 * e) over theta = (a, e, alpha): L(N) at the largest D or L(D) at the largest N.
 */
final class PowerLaw implements Law {
  private final Scope scope;
  private final String exponent;
  private final List<Term> terms;

  /** The law over {@code variable} (N or D). */
  PowerLaw(Term.Variable variable) {
    String scale;
    switch (variable) {
      case N -> {
        scope = Scope.N_AT_LARGEST_D;
        scale = "A";
        exponent = "alpha";
      }
      case D -> {
        scope = Scope.D_AT_LARGEST_N;
        scale = "B";
        exponent = "beta";
      }
      default ->
          throw new InvariantViolation("a power law needs the variable N or D, found " + variable);
    }
    this.terms = List.of(Term.power(scale, variable, 0, 2), Term.constant("E", 1));
  }

  @Override
  public Scope scope() {
    return scope;
  }

  @Override
  public boolean fittedByDefault() {
    return true;
  }

  @Override
  public int dim() {
    return 3;
  }

  @Override
  public List<Term> terms() {
    return terms;
  }

  @Override
  public LawParams params(LawForm form, double[] theta, double fixedAt) {
    return PowerLawParams.fromTheta(form, theta, fixedAt);
  }

  /** 150 starts on the full grid, 36 on the coarse one. */
  @Override
  public List<double[]> starts(StartGrid grid) {
    boolean full =
        switch (grid) {
          case FULL -> true;
          case COARSE -> false;
        };
    double[] exps = full ? StartGrid.range(0, 2, 0.5) : new double[] {0, 1, 2};
    double[] es = full ? StartGrid.range(-1, 1, 0.5) : new double[] {-1, 0, 1};
    double[] logs = full ? StartGrid.range(0, 25, 5) : new double[] {0, 10, 20, 25};
    List<double[]> out = new ArrayList<>();
    for (double a : logs) {
      for (double e : es) {
        for (double alpha : exps) {
          out.add(new double[] {a, e, alpha});
        }
      }
    }
    return out;
  }

  @Override
  public Set<String> exponents() {
    return Set.of(exponent);
  }
}
