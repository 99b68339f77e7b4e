package dev.scaling.common.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused objective against references written here: the value against the law's plain prediction
 * (E + A/N^alpha + ... in linear space) through a Huber loss of our own, and the gradient of every
 * law against central finite differences.
 */
class ObjectiveTest {
  private static final double DELTA = 1e-3;

  /** Huber's loss, written out independently of the production code. */
  private static double huberRef(double r, double delta) {
    if (Math.abs(r) <= delta) {
      return r * r / 2;
    }
    return delta * Math.abs(r) - delta * delta / 2;
  }

  /** Rows of {@code form}'s scope, as the fitter selects them, with the other variable's value. */
  private static Object[] scoped(LawForm form, List<ScalingPoint> rows) {
    return switch (form.law().scope()) {
      case JOINT -> new Object[] {rows, Double.NaN};
      case N_AT_LARGEST_D -> {
        double d = rows.stream().mapToDouble(ScalingPoint::d).max().orElseThrow();
        yield new Object[] {rows.stream().filter(q -> q.d() == d).toList(), d};
      }
      case D_AT_LARGEST_N -> {
        double n = rows.stream().mapToDouble(ScalingPoint::n).max().orElseThrow();
        yield new Object[] {rows.stream().filter(q -> q.n() == n).toList(), n};
      }
    };
  }

  private static double[] bootstrapWeights(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = rng.nextInt(3); // zeros included
    }
    return w;
  }

  private static Objective build(LawForm form, List<ScalingPoint> rows, double[] w, double delta) {
    return new Objective(
        form.law(),
        rows.stream().mapToDouble(q -> Math.log(q.n())).toArray(),
        rows.stream().mapToDouble(q -> Math.log(q.d())).toArray(),
        rows.stream().mapToDouble(q -> Math.log(q.loss())).toArray(),
        w,
        delta);
  }

  /** A random parameter vector near where fits live, by form. */
  private static double[] randomTheta(LawForm form, SplittableRandom rng) {
    double[] start =
        form.law()
            .starts(StartGrid.COARSE)
            .get(rng.nextInt(form.law().starts(StartGrid.COARSE).size()));
    double[] t = start.clone();
    for (int i = 0; i < t.length; i++) {
      t[i] += rng.nextDouble(-0.3, 0.3);
    }
    return t;
  }

  private static double referenceValue(
      LawForm form,
      List<ScalingPoint> rows,
      double[] w,
      double[] theta,
      double fixedAt,
      double delta) {
    LawParams p = form.law().params(form, theta, fixedAt);
    double f = 0;
    for (int i = 0; i < rows.size(); i++) {
      ScalingPoint q = rows.get(i);
      f += w[i] * huberRef(Math.log(p.predict(q.n(), q.d())) - Math.log(q.loss()), delta);
    }
    return f;
  }

  /**
   * Whether some row's residual lies within {@code eps} of a Huber kink (finite differences
   * straddle it).
   */
  private static boolean nearKink(
      LawForm form,
      List<ScalingPoint> rows,
      double[] theta,
      double fixedAt,
      double delta,
      double eps) {
    LawParams p = form.law().params(form, theta, fixedAt);
    return rows.stream()
        .anyMatch(
            q -> Math.abs(Math.abs(Math.log(p.predict(q.n(), q.d()) / q.loss())) - delta) < eps);
  }

  private static void assertGradientMatchesFiniteDifferences(
      Objective o, double[] theta, String what) {
    double[] g = new double[o.dim()];
    o.valueAndGradient(theta, g);
    double norm = Arrays.stream(g).map(Math::abs).max().orElse(0);
    for (int i = 0; i < theta.length; i++) {
      double h = 1e-6 * Math.max(1, Math.abs(theta[i]));
      double[] up = theta.clone();
      double[] down = theta.clone();
      up[i] += h;
      down[i] -= h;
      double fd = (o.value(up) - o.value(down)) / (2 * h);
      assertEquals(
          fd,
          g[i],
          1e-5 * Math.max(norm, 1e-3),
          what
              + ": d/dtheta"
              + i
              + " at "
              + Arrays.toString(theta)
              + ", gradient "
              + Arrays.toString(g));
    }
  }

  @Test
  void everyLaw_valueMatchesPlainPredictionThroughHuber_onGridAndNonGridTables() {
    SplittableRandom rng = new SplittableRandom(3);
    for (LawForm form : LawForm.values()) {
      for (List<ScalingPoint> table :
          List.of(
              Synthetic.crossed(
                  Synthetic.CHINCHILLA, 12, 20, 0.01, 1), // a grid: 12 distinct N, 20 distinct D
              Synthetic.table(
                  Synthetic.CHINCHILLA, 6, 8, 0.01, 2))) { // D = ratio N: distinct D per row
        Object[] s = scoped(form, table);
        @SuppressWarnings("unchecked")
        List<ScalingPoint> rows = (List<ScalingPoint>) s[0];
        double fixedAt = (Double) s[1];
        double[] w = bootstrapWeights(rows.size(), 5);
        for (double delta : new double[] {DELTA, 10}) {
          Objective o = build(form, rows, w, delta);
          for (int k = 0; k < 300; k++) {
            double[] theta = randomTheta(form, rng);
            double ref = referenceValue(form, rows, w, theta, fixedAt, delta);
            assertEquals(
                ref,
                o.value(theta),
                1e-9 * Math.max(ref, 1e-12),
                form + " delta " + delta + " at " + Arrays.toString(theta));
          }
        }
      }
    }
  }

  @Test
  void everyLaw_gradientMatchesCentralFiniteDifferences() {
    SplittableRandom rng = new SplittableRandom(4);
    for (LawForm form : LawForm.values()) {
      for (List<ScalingPoint> table :
          List.of(
              Synthetic.crossed(Synthetic.KAPLAN, 8, 10, 0.01, 1),
              Synthetic.table(Synthetic.CHINCHILLA, 6, 8, 0.01, 2))) {
        Object[] s = scoped(form, table);
        @SuppressWarnings("unchecked")
        List<ScalingPoint> rows = (List<ScalingPoint>) s[0];
        double fixedAt = (Double) s[1];
        double[] w = bootstrapWeights(rows.size(), 6);
        for (double delta : new double[] {DELTA, 10}) {
          Objective o = build(form, rows, w, delta);
          int checked = 0;
          for (int k = 0; k < 200 && checked < 40; k++) {
            double[] theta = randomTheta(form, rng);
            if (nearKink(form, rows, theta, fixedAt, delta, 1e-4)) {
              continue;
            }
            assertGradientMatchesFiniteDifferences(o, theta, form + " delta " + delta);
            checked++;
          }
          assertTrue(checked >= 20, form + ": only " + checked + " points away from a Huber kink");
        }
      }
    }
  }

  @Test
  void rowsThatUnderflowAgainstTheGlobalMaximum_matchALogSpaceReference_andTheirGradient() {
    List<ScalingPoint> rows = Synthetic.crossed(Synthetic.CHINCHILLA, 12, 20, 0.01, 1);
    double[] w = bootstrapWeights(rows.size(), 6);
    Objective o = build(LawForm.CHINCHILLA, rows, w, DELTA);
    // alpha = 200 spreads a - alpha log N over ~1100 across the table: most rows underflow against
    // the
    // smallest N's term, and the B and E terms are far below both.
    for (double[] theta :
        List.of(
            new double[] {0, -5000, -5000, 200, 0},
            new double[] {-5000, 0, -5000, 0, 150},
            new double[] {3000, -5000, -20, 200, 0.3})) {
      double ref = 0;
      for (int i = 0; i < rows.size(); i++) {
        ScalingPoint q = rows.get(i);
        double[] u = {
          theta[0] - theta[3] * Math.log(q.n()), theta[1] - theta[4] * Math.log(q.d()), theta[2]
        };
        double m = Arrays.stream(u).max().orElseThrow();
        double lse = m + Math.log(Arrays.stream(u).map(x -> Math.exp(x - m)).sum());
        ref += w[i] * huberRef(lse - Math.log(q.loss()), DELTA);
      }
      assertEquals(ref, o.value(theta), 1e-12 * ref, Arrays.toString(theta));
      assertGradientMatchesFiniteDifferences(o, theta, "underflowing chinchilla");
    }
    Objective k =
        build(LawForm.KAPLAN, Synthetic.crossed(Synthetic.KAPLAN, 12, 20, 0.01, 1), w, DELTA);
    assertGradientMatchesFiniteDifferences(
        k, new double[] {40, -2000, 200, 0.1}, "underflowing kaplan");
  }

  @Test
  void overflowingParameters_giveAnInfiniteObjective() {
    Objective o =
        build(
            LawForm.CHINCHILLA,
            Synthetic.crossed(Synthetic.CHINCHILLA, 4, 4, 0, 1),
            new double[16],
            DELTA);
    assertEquals(Double.POSITIVE_INFINITY, o.value(new double[] {1e308, 1e308, 0, -1e308, 0}));
  }

  /**
   * A law the fitter does not know, written here as a new law would be (its terms only): L = E +
   * A1/N^a1 + A2/N^a2 + B/D^beta, two terms of N in one group. The shared evaluator needs no
   * change.
   */
  private static final Law TWO_N_TERMS =
      new Law() {
        @Override
        public Scope scope() {
          return Scope.JOINT;
        }

        @Override
        public boolean fittedByDefault() {
          return false;
        }

        @Override
        public int dim() {
          return 7;
        }

        @Override
        public List<Term> terms() {
          return List.of(
              Term.power("A1", Term.Variable.N, 0, 1),
              Term.power("A2", Term.Variable.N, 2, 3),
              Term.power("B", Term.Variable.D, 4, 5),
              Term.constant("E", 6));
        }

        @Override
        public LawParams params(LawForm form, double[] theta, double fixedAt) {
          throw new UnsupportedOperationException("not needed by the objective");
        }

        @Override
        public List<double[]> starts(StartGrid grid) {
          return List.of();
        }

        @Override
        public Set<String> exponents() {
          return Set.of();
        }
      };

  @Test
  void aNewLawWithSeveralTermsPerVariable_isEvaluatedByTheSharedKernel() {
    List<ScalingPoint> rows = Synthetic.crossed(Synthetic.CHINCHILLA, 6, 7, 0.01, 3);
    double[] w = bootstrapWeights(rows.size(), 8);
    Objective o =
        new Objective(
            TWO_N_TERMS,
            rows.stream().mapToDouble(q -> Math.log(q.n())).toArray(),
            rows.stream().mapToDouble(q -> Math.log(q.d())).toArray(),
            rows.stream().mapToDouble(q -> Math.log(q.loss())).toArray(),
            w,
            DELTA);
    SplittableRandom rng = new SplittableRandom(11);
    for (int k = 0; k < 50; k++) {
      double[] t = {
        rng.nextDouble(3, 7),
        rng.nextDouble(0.2, 0.5),
        rng.nextDouble(0, 3),
        rng.nextDouble(0.05, 0.2),
        rng.nextDouble(4, 7),
        rng.nextDouble(0.2, 0.4),
        rng.nextDouble(-0.5, 0.8)
      };
      double ref = 0;
      for (int i = 0; i < rows.size(); i++) {
        ScalingPoint q = rows.get(i);
        double pred =
            Math.exp(t[0]) / Math.pow(q.n(), t[1])
                + Math.exp(t[2]) / Math.pow(q.n(), t[3])
                + Math.exp(t[4]) / Math.pow(q.d(), t[5])
                + Math.exp(t[6]);
        ref += w[i] * huberRef(Math.log(pred / q.loss()), DELTA);
      }
      assertEquals(ref, o.value(t), 1e-9 * ref, Arrays.toString(t));
      assertGradientMatchesFiniteDifferences(o, t, "two N terms");
    }
  }
}
