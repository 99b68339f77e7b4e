package dev.scaling.driver.report;

import dev.scaling.common.fit.ScalingPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Whether the loss falls along each axis of a grid by more than the evaluation noise: at every D,
 * from each N to the next larger N, and at every N, from each D to the next larger D. A step counts
 * as resolved when the loss falls by more than the noise, the standard error of one trial's
 * held-out loss. Every trial is scored on the same held-out windows, so the noise of a difference
 * between two trials is below that standard error (their window errors are shared); the threshold
 * is therefore conservative.
 *
 * @param axis {@code N} (steps along N at fixed D) or {@code D}
 * @param steps neighbouring pairs compared
 * @param resolved steps whose loss fell by more than the noise
 * @param rises steps whose loss rose
 * @param smallestDrop the smallest fall (negative when some step rose), nats
 * @param worst the step with the smallest fall, e.g. {@code "D=65536: N 1.2e+04 -> 4.9e+04"}
 */
public record LossTrends(
    String axis, int steps, int resolved, int rises, double smallestDrop, String worst) {

  /** The trends along N (at each D) and along D (at each N) of {@code points}. */
  public static List<LossTrends> of(List<ScalingPoint> points, double noise) {
    return List.of(
        along("N", points, ScalingPoint::d, ScalingPoint::n, noise),
        along("D", points, ScalingPoint::n, ScalingPoint::d, noise));
  }

  private static LossTrends along(
      String axis,
      List<ScalingPoint> points,
      ToDoubleFunction<ScalingPoint> fixed,
      ToDoubleFunction<ScalingPoint> moving,
      double noise) {
    Map<Double, TreeMap<Double, List<Double>>> groups = new TreeMap<>();
    for (ScalingPoint p : points) {
      groups
          .computeIfAbsent(fixed.applyAsDouble(p), k -> new TreeMap<>())
          .computeIfAbsent(moving.applyAsDouble(p), k -> new ArrayList<>())
          .add(p.loss());
    }
    int steps = 0;
    int resolved = 0;
    int rises = 0;
    double smallest = Double.POSITIVE_INFINITY;
    String worst = "";
    String fixedAxis = axis.equals("N") ? "D" : "N";
    for (Map.Entry<Double, TreeMap<Double, List<Double>>> g : groups.entrySet()) {
      Double previousAt = null;
      double previous = Double.NaN;
      for (Map.Entry<Double, List<Double>> e : g.getValue().entrySet()) {
        double loss =
            e.getValue().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        if (previousAt != null) {
          double drop = previous - loss;
          steps++;
          if (drop > noise) {
            resolved++;
          }
          if (drop < 0) {
            rises++;
          }
          if (drop < smallest) {
            smallest = drop;
            worst =
                String.format(
                    Locale.ROOT,
                    "%s=%.3g: %s %.3g -> %.3g",
                    fixedAxis,
                    g.getKey(),
                    axis,
                    previousAt,
                    e.getKey());
          }
        }
        previousAt = e.getKey();
        previous = loss;
      }
    }
    return new LossTrends(axis, steps, resolved, rises, steps == 0 ? Double.NaN : smallest, worst);
  }

  /** Whether every step fell by more than the noise. */
  public boolean allResolved() {
    return steps > 0 && resolved == steps;
  }

  /** One sentence, e.g. "loss falls with N at every D: 12 of 12 steps fall by more than ...". */
  public String sentence(double noise) {
    String fixedAxis = axis.equals("N") ? "D" : "N";
    return String.format(
        Locale.ROOT,
        "loss falls with %s at every %s: %d of %d steps fall by more than the noise (%.4f),"
            + " %d rise; the smallest fall is %.4f nats (%s)%s",
        axis,
        fixedAxis,
        resolved,
        steps,
        noise,
        rises,
        smallestDrop,
        worst,
        noise > 0 ? String.format(Locale.ROOT, ", %.1fx the noise", smallestDrop / noise) : "");
  }
}
