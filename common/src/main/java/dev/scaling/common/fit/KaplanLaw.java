package dev.scaling.common.fit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Kaplan et al.'s joint form L = [(Nc/N)^(alphaN/alphaD) + Dc/D]^alphaD, i.e. log L = alphaD *
 * LSE(r (log Nc - log N), log Dc - log D) over theta = (log Nc, log Dc, r = alphaN/alphaD, alphaD):
 * no division anywhere, so the objective is smooth everywhere.
 */
final class KaplanLaw implements Law {
  private static final List<Term> TERMS = List.of(new NTerm(), new DTerm());

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
    return 4;
  }

  @Override
  public List<Term> terms() {
    return TERMS;
  }

  @Override
  public int outerPower() {
    return 3;
  }

  @Override
  public LawParams params(LawForm form, double[] theta, double fixedAt) {
    return KaplanParams.fromTheta(theta);
  }

  /** 980 starts on the full grid, 144 on the coarse one. */
  @Override
  public List<double[]> starts(StartGrid grid) {
    boolean full =
        switch (grid) {
          case FULL -> true;
          case COARSE -> false;
        };
    double[] lc = full ? StartGrid.range(10, 40, 5) : new double[] {10, 20, 30, 40};
    double[] ad = full ? new double[] {0.05, 0.1, 0.2, 0.4, 0.8} : new double[] {0.1, 0.4, 0.8};
    double[] r = full ? new double[] {0.5, 1, 2, 4} : new double[] {0.5, 1, 2};
    List<double[]> out = new ArrayList<>();
    for (double lnc : lc) {
      for (double ldc : lc) {
        for (double x : r) {
          for (double y : ad) {
            out.add(new double[] {lnc, ldc, x, y});
          }
        }
      }
    }
    return out;
  }

  @Override
  public Set<String> exponents() {
    return Set.of("alphaN", "alphaD");
  }

  /** u = r (log Nc - log N). */
  private record NTerm() implements Term {
    @Override
    public String scale() {
      return "Nc";
    }

    @Override
    public Variable variable() {
      return Variable.N;
    }

    @Override
    public double values(double[] theta, double[] x, int n, double[] out, int off) {
      double lnc = theta[0];
      double r = theta[2];
      double m = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        double u = r * (lnc - x[j]);
        out[off + j] = u;
        m = Math.max(m, u);
      }
      return m;
    }

    @Override
    public void addGradient(
        double[] theta,
        double[] x,
        int n,
        double[] a,
        int aOff,
        double[] b,
        int bOff,
        double[] grad) {
      double lnc = theta[0];
      double s = 0;
      double t = 0;
      for (int j = 0; j < n; j++) {
        double c = a[aOff + j] * b[bOff + j];
        s += c;
        t += c * (lnc - x[j]);
      }
      grad[0] += theta[2] * s;
      grad[2] += t;
    }
  }

  /** u = log Dc - log D. */
  private record DTerm() implements Term {
    @Override
    public String scale() {
      return "Dc";
    }

    @Override
    public Variable variable() {
      return Variable.D;
    }

    @Override
    public double values(double[] theta, double[] x, int n, double[] out, int off) {
      double ldc = theta[1];
      double m = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        double u = ldc - x[j];
        out[off + j] = u;
        m = Math.max(m, u);
      }
      return m;
    }

    @Override
    public void addGradient(
        double[] theta,
        double[] x,
        int n,
        double[] a,
        int aOff,
        double[] b,
        int bOff,
        double[] grad) {
      double s = 0;
      for (int j = 0; j < n; j++) {
        s += a[aOff + j] * b[bOff + j];
      }
      grad[1] += s;
    }
  }
}
