package dev.scaling.common.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.spec.InvariantViolation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileQualityTest {
  private static final double NOISE = 0.003;

  /** The centre of every synthetic profile: x = log10 N runs over 4 + 0.15 k, k = -3..3. */
  private static final double X0 = 4;

  private static final double STEP = 0.15;

  /**
   * Seven points of budget {@code c} at log10 N = X0 + STEP k (k = -3..3), D = C/(6N), with loss
   * {@code loss[k + 3]}.
   */
  private static List<ScalingPoint> budget(double c, double[] loss) {
    List<ScalingPoint> out = new ArrayList<>();
    for (int k = -3; k <= 3; k++) {
      double n = Math.pow(10, X0 + STEP * k);
      out.add(new ScalingPoint(n, c / (6 * n), loss[k + 3]));
    }
    return out;
  }

  /** 1 + 0.5 (x - X0 - shift)^2 at the seven points, plus {@code bump} at the middle one. */
  private static double[] parabola(double shift, double bump) {
    double[] y = new double[7];
    for (int k = -3; k <= 3; k++) {
      double dx = STEP * k - shift;
      y[k + 3] = 1 + 0.5 * dx * dx + (k == 0 ? bump : 0);
    }
    return y;
  }

  private static AllocationStudy study(List<ScalingPoint> pts) {
    FitOptions o = FitOptions.defaults().withGrid(StartGrid.COARSE).withBootstrap(0, 7);
    ScalingAnalysis a = new ScalingFitter(o).analyse(pts, List.of(LawForm.CHINCHILLA));
    return AllocationStudy.run(a, null, List.of(ApproachKind.values()));
  }

  @Test
  void of_measuresABumpAsTwoThirdsOfItselfAtTheMiddlePoint() {
    // A bump e at the middle of seven evenly spaced x moves a least-squares quadratic up by the hat
    // value h there; with centred k = -3..3: h = 1/7 + 0^2/28 + (0 - 4)^2/84 = 1/3 (orthogonal
    // polynomials 1, k, k^2 - 4 with sums of squares 7, 28, 84), so the point sits 2e/3 above it.
    // The bump is symmetric, so the vertex stays at the middle: N* = 10^4, position 0.5.
    List<ScalingPoint> pts = new ArrayList<>(budget(1e12, parabola(0, 0.009)));
    pts.addAll(budget(8e12, parabola(0, 0.018)));
    ProfileQuality q = ProfileQuality.of(study(pts), NOISE);
    assertNotNull(q);
    assertEquals(2, q.budgets().size());
    ProfileQuality.BudgetFit small = q.budgets().get(0);
    ProfileQuality.BudgetFit large = q.budgets().get(1);
    assertEquals(1e12, small.compute(), 1e12 * 1e-9);
    assertEquals(7, small.models());
    assertEquals(1e4, small.worstN(), 1e-6);
    assertEquals(2 * 0.009 / 3, small.worstDistance(), 1e-9);
    assertEquals(2.0, small.worstInNoise(), 1e-6);
    assertTrue(small.smooth());
    assertEquals(4.0, large.worstInNoise(), 1e-6);
    assertFalse(large.smooth(), "4 noises is over the bar of 3");
    for (ProfileQuality.BudgetFit b : q.budgets()) {
      assertTrue(b.interior());
      assertEquals(1e4, b.vertexN(), 1e4 * 1e-9);
      assertEquals(0.5, b.position(), 1e-9);
    }
    assertFalse(q.meetsBar(), "one budget is rough");
    assertTrue(large.sentence().contains("4.0x the noise: rough"), large.sentence());
    // The same N is the worst point of both budgets, both above: one model's repeated offset.
    assertTrue(q.verdict().startsWith("verdict: 1 of 2 budgets rough (C=8.00e+12 at 4.0x)"));
    assertTrue(
        q.verdict()
            .contains(
                "N=1.000e+04 is the worst point in 2 of 2 budgets, always above its parabola"
                    + " (+0.0060 to +0.0120 nats)"),
        q.verdict());
  }

  @Test
  void of_measuresReplicasOfOneSizeByTheirMean() {
    // Two seeds of every size: the middle size's seeds sit e above and e below the parabola, so
    // their mean is on it and every size's mean is on it: the worst distance is 0, not e (each seed
    // alone would be 2e/3 off a parabola through one of them, e off through both).
    double e = 0.02;
    List<ScalingPoint> pts = new ArrayList<>(budget(1e12, parabola(0, e)));
    pts.addAll(budget(1e12, parabola(0, -e)));
    pts.addAll(budget(8e12, parabola(0, e)));
    pts.addAll(budget(8e12, parabola(0, -e)));
    ProfileQuality q = ProfileQuality.of(study(pts), NOISE);
    assertNotNull(q);
    for (ProfileQuality.BudgetFit b : q.budgets()) {
      assertEquals(7, b.models(), "replicas of a size count once");
      assertEquals(0, b.worstDistance(), 1e-9);
      assertTrue(b.smooth());
    }
  }

  @Test
  void of_flagsAVertexOutsideTheRangeAsNotInterior() {
    // A parabola whose vertex lies 0.6 past the largest x (X0 + 0.45): the lowest loss is the last
    // point, and an exact quadratic puts the vertex at x = X0 + 0.6, position (0.6 + 0.45) / 0.9.
    List<ScalingPoint> pts = new ArrayList<>(budget(1e12, parabola(0.6, 0)));
    pts.addAll(budget(8e12, parabola(0.1, 0)));
    ProfileQuality q = ProfileQuality.of(study(pts), NOISE);
    ProfileQuality.BudgetFit edge = q.budgets().get(0);
    assertFalse(edge.interior());
    assertEquals(Math.pow(10, X0 + 0.6), edge.vertexN(), Math.pow(10, X0 + 0.6) * 1e-6);
    assertEquals(1.05 / 0.9, edge.position(), 1e-6);
    assertEquals(0, edge.worstInNoise(), 1e-6, "an exact parabola");
    ProfileQuality.BudgetFit inside = q.budgets().get(1);
    assertTrue(inside.interior());
    assertEquals(0.55 / 0.9, inside.position(), 1e-6);
    assertFalse(q.meetsBar());
    assertTrue(edge.sentence().contains("not interior"), edge.sentence());
  }

  /** An allocation with N_opt = {@code nOpt} at {@code target} and exponent {@code a}. */
  private static Allocation allocation(ApproachKind k, double a, double nOpt, double target) {
    double g = nOpt / Math.pow(target, a);
    return new Allocation(
        k,
        a,
        1 - a,
        g,
        target / 6 / nOpt / Math.pow(target, 1 - a),
        null,
        null,
        target,
        List.of(),
        List.of(),
        0);
  }

  private static AllocationStudy withEstimates(AllocationStudy s, double... nOpt) {
    double target = s.study().targetCompute();
    ApproachKind[] kinds = ApproachKind.values();
    List<Allocation> est = new ArrayList<>();
    for (int i = 0; i < nOpt.length; i++) {
      est.add(allocation(kinds[i], 0.5, nOpt[i], target));
    }
    return new AllocationStudy(s.study(), est, List.of(), List.of(), null);
  }

  @Test
  void of_agreesWhenNOptSpansAtMostOneAndAHalf() {
    List<ScalingPoint> pts = new ArrayList<>(budget(1e12, parabola(0, 0)));
    pts.addAll(budget(8e12, parabola(0.1, 0)));
    AllocationStudy base = study(pts);
    assertEquals(8e13, base.study().targetCompute(), 8e13 * 1e-6, "10x the largest budget");
    ProfileQuality q = ProfileQuality.of(withEstimates(base, 1e5, 1.2e5, 1.4e5), NOISE);
    assertEquals(1.4, q.agreement().factor(), 1e-9);
    assertTrue(q.agreement().agrees());
    assertEquals(List.of(), q.agreement().reasons());
    assertTrue(q.meetsBar());
    assertTrue(q.verdict().startsWith("verdict: every profile within 3x"), q.verdict());
    assertEquals(8e13, q.agreement().compute(), 8e13 * 1e-6);
    assertEquals(1.2e5, q.agreement().estimates().get(1).nOpt(), 1e-4);
  }

  @Test
  void of_saysWhyWhenTheApproachesDisagree() {
    List<ScalingPoint> pts = new ArrayList<>(budget(1e12, parabola(0, 0)));
    pts.addAll(budget(8e12, parabola(0.1, 0)));
    AllocationStudy base = study(pts);
    // Equal exponents: the factor 2 is already there at the largest budget and the extrapolation
    // adds nothing (a factor 10^0 = 1); the third estimate is farthest from the others' mean in
    // log N (ln 2e5 - (ln 1e5 + ln 1.2e5) / 2 = 0.60 against 0.40 and 0.22).
    ProfileQuality q = ProfileQuality.of(withEstimates(base, 1e5, 1.2e5, 2e5), NOISE);
    ProfileQuality.Agreement ag = q.agreement();
    assertEquals(2.0, ag.factor(), 1e-9);
    assertFalse(ag.agrees());
    assertFalse(q.meetsBar());
    String why = String.join("; ", ag.reasons());
    assertTrue(why.contains("already a factor 2.00 apart"), why);
    assertTrue(why.contains("a factor 1.00 over the extrapolation"), why);
    String third = ApproachKind.values()[2].label();
    assertTrue(why.contains("the odd one out is " + third + " (N_opt 2.000e+05)"), why);
    assertTrue(ag.sentence().contains("do NOT agree within 1.5: a factor 2.00 apart"));
  }

  @Test
  void of_saysSoWhenFewerThanTwoApproachesApply() {
    List<ScalingPoint> pts = new ArrayList<>(budget(1e12, parabola(0, 0)));
    pts.addAll(budget(8e12, parabola(0.1, 0)));
    ProfileQuality q = ProfileQuality.of(withEstimates(study(pts), 1e5), NOISE);
    assertTrue(Double.isNaN(q.agreement().factor()));
    assertFalse(q.agreement().agrees());
    assertTrue(
        q.agreement().reasons().contains("fewer than two approaches give an N_opt to compare"),
        q.agreement().reasons().toString());
  }

  @Test
  void new_rejectsNonPositiveNoise() {
    ProfileQuality.Agreement none = new ProfileQuality.Agreement(1, List.of(), 1, false, List.of());
    InvariantViolation e =
        assertThrows(InvariantViolation.class, () -> new ProfileQuality(0, List.of(), none));
    assertTrue(e.getMessage().contains("noise must be positive and finite, found 0.0"));
  }
}
