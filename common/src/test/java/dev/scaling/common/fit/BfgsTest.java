package dev.scaling.common.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The optimiser on its own, on functions with known minima. */
class BfgsTest {
  /** Rosenbrock's function 100 (y - x^2)^2 + (1 - x)^2, minimum 0 at (1, 1). */
  private static final Bfgs.Function ROSENBROCK =
      new Bfgs.Function() {
        @Override
        public int dim() {
          return 2;
        }

        @Override
        public double[] scratch() {
          return new double[0];
        }

        @Override
        public double valueAndGradient(double[] x, double[] g, double[] scratch) {
          double a = x[1] - x[0] * x[0];
          double b = 1 - x[0];
          g[0] = -400 * x[0] * a - 2 * b;
          g[1] = 200 * a;
          return 100 * a * a + b * b;
        }
      };

  @Test
  void rosenbrock_fromTheStandardStart_reachesOneOne() {
    Bfgs.Result r = new Bfgs(ROSENBROCK).minimise(new double[] {-1.2, 1}, Bfgs.TIGHT);
    assertTrue(r.converged(), "converged: " + r);
    assertEquals(1, r.x()[0], 1e-6, Arrays.toString(r.x()));
    assertEquals(1, r.x()[1], 1e-6, Arrays.toString(r.x()));
    assertTrue(r.f() < 1e-12, "f = " + r.f());
    assertTrue(r.iterations() < 200, r.iterations() + " iterations");
  }

  /** f(x) = log(1 + e^x) + y^2 decreases towards x = -infinity: the infimum 0 is never attained. */
  @Test
  void minimumAtInfinity_stopsWithoutExceptionAndFiniteIterate() {
    Bfgs.Function softplus =
        new Bfgs.Function() {
          @Override
          public int dim() {
            return 2;
          }

          @Override
          public double[] scratch() {
            return new double[0];
          }

          @Override
          public double valueAndGradient(double[] x, double[] g, double[] scratch) {
            double sp = x[0] > 0 ? x[0] + Math.log1p(Math.exp(-x[0])) : Math.log1p(Math.exp(x[0]));
            g[0] = 1 / (1 + Math.exp(-x[0]));
            g[1] = 2 * x[1];
            return sp + x[1] * x[1];
          }
        };
    Bfgs.Result r = new Bfgs(softplus).minimise(new double[] {2, 3}, Bfgs.TIGHT);
    assertTrue(
        Double.isFinite(r.x()[0]) && Double.isFinite(r.f()),
        "finite end point: " + Arrays.toString(r.x()));
    assertTrue(r.x()[0] < -10, "ran towards the infimum: " + Arrays.toString(r.x()));
    assertTrue(r.f() < 1e-4, "f = " + r.f());
    assertEquals(0, r.x()[1], 1e-6);
  }

  /**
   * A minimum on the edge of the domain: f = (x - 1)^2 for x >= 0.5 and +infinity below (outside
   * the domain), started inside; and a domain whose edge cuts the way to the unconstrained minimum
   * at 0: the run stops at the edge side, finite, without an exception.
   */
  @Test
  void domainEdge_nonFiniteValuesAreAvoided() {
    Bfgs.Function edge =
        new Bfgs.Function() {
          @Override
          public int dim() {
            return 1;
          }

          @Override
          public double[] scratch() {
            return new double[0];
          }

          @Override
          public double valueAndGradient(double[] x, double[] g, double[] scratch) {
            if (x[0] < 0.5) {
              g[0] = 0;
              return Double.POSITIVE_INFINITY;
            }
            g[0] = 2 * x[0];
            return x[0] * x[0];
          }
        };
    Bfgs.Result r = new Bfgs(edge).minimise(new double[] {3}, Bfgs.TIGHT);
    assertTrue(Double.isFinite(r.f()), "finite: " + r);
    assertTrue(
        r.x()[0] >= 0.5 && r.x()[0] < 0.51, "stopped at the edge 0.5: " + Arrays.toString(r.x()));
    Bfgs.Result outside = new Bfgs(edge).minimise(new double[] {0}, Bfgs.TIGHT);
    assertEquals(
        Double.POSITIVE_INFINITY,
        outside.f(),
        "a start outside the domain is reported, not thrown");
  }
}
