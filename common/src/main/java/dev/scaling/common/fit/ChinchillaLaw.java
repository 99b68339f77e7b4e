package dev.scaling.common.fit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Hoffmann et al. 2022: L = E + A/N^alpha + B/D^beta, i.e. log L = LSE(a - alpha log N, b - beta
 * log D, e) over theta = (a, b, e, alpha, beta) with A = e^a, B = e^b, E = e^e.
 */
final class ChinchillaLaw implements Law {
  private static final List<Term> TERMS =
      List.of(
          Term.power("A", Term.Variable.N, 0, 3),
          Term.power("B", Term.Variable.D, 1, 4),
          Term.constant("E", 2));

  @Override
  public Scope scope() {
    return Scope.JOINT;
  }

  @Override
  public boolean fittedByDefault() {
    return true;
  }

  @Override
  public int dim() {
    return 5;
  }

  @Override
  public List<Term> terms() {
    return TERMS;
  }

  @Override
  public LawParams params(LawForm form, double[] theta, double fixedAt) {
    return ChinchillaParams.fromTheta(theta);
  }

  /** The published grid (4500 starts) or a thinned one (432). */
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
      for (double b : logs) {
        for (double e : es) {
          for (double alpha : exps) {
            for (double beta : exps) {
              out.add(new double[] {a, b, e, alpha, beta});
            }
          }
        }
      }
    }
    return out;
  }

  @Override
  public Set<String> exponents() {
    return Set.of("alpha", "beta");
  }
}
