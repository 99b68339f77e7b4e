package dev.scaling.driver.report;

import dev.scaling.common.fit.AllocationStudy;
import dev.scaling.common.fit.ProfileQuality;
import java.util.Locale;

/**
 * The report's plain statement on an IsoFLOP study's profiles ({@link ProfileQuality}): per budget
 * the worst point's distance from its parabola in units of the evaluation noise and whether the
 * vertex is interior, then whether the approaches agree on N_opt at the target compute and, when
 * not, why. Empty where the run has no budget profiles or no measured evaluation noise.
 */
public final class IsoflopQualitySection {
  private IsoflopQualitySection() {}

  /** The quality of {@code study}'s profiles in {@code facts}' noise, or null where not known. */
  public static ProfileQuality quality(AllocationStudy study, SweepFacts facts) {
    Double noise = facts.evalNoise();
    if (noise == null || !(noise > 0)) {
      return null;
    }
    return ProfileQuality.of(study, noise);
  }

  /** The section's HTML (an {@code <h2>} and its content), empty where there is nothing to say. */
  public static String html(AllocationStudy study, SweepFacts facts) {
    ProfileQuality q = quality(study, facts);
    if (q == null) {
      return "";
    }
    StringBuilder h = new StringBuilder("<h2>IsoFLOP profiles against the evaluation noise</h2>");
    h.append(
        String.format(
            Locale.ROOT,
            "<p>Each budget's losses against a parabola in log10 N (the IsoFLOP approach's fit):"
                + " the point farthest from it, in units of the evaluation noise (%s nats); a"
                + " profile is smooth when every point is within %.0fx the noise. A vertex is"
                + " interior when the parabola has a minimum inside the budget's N range and the"
                + " lowest loss is not at an edge.</p>",
            ReportWriter.fmt(q.noise()),
            ProfileQuality.SMOOTH_NOISES));
    h.append(
        "<table><tr><th>budget C</th><th>models</th><th>worst point N</th><th>distance"
            + " (nats)</th><th>in noise</th><th>smooth</th><th>vertex N*</th><th>position in log"
            + " N range</th><th>interior</th></tr>");
    for (ProfileQuality.BudgetFit b : q.budgets()) {
      h.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%.3g</td><td>%d</td><td>%s</td><td>%s</td><td>%.1f</td><td>%s</td>"
                  + "<td>%s</td><td>%.2f</td><td>%s</td></tr>",
              b.compute(),
              b.models(),
              ReportWriter.fmt(b.worstN()),
              Double.isNaN(b.worstDistance())
                  ? "no parabola"
                  : String.format(Locale.ROOT, "%+.4f", b.worstDistance()),
              b.worstInNoise(),
              b.smooth() ? "yes" : "<b>no</b>",
              ReportWriter.fmt(b.vertexN()),
              b.position(),
              b.interior() ? "yes" : "<b>no</b>"));
    }
    h.append("</table><ul>");
    for (ProfileQuality.BudgetFit b : q.budgets()) {
      h.append("<li>").append(ReportWriter.esc(b.sentence())).append("</li>");
    }
    h.append("</ul>");
    h.append(q.agreement().agrees() ? "<p>" : "<p class=\"warn\">")
        .append(ReportWriter.esc(q.agreement().sentence()))
        .append("</p>");
    h.append(q.meetsBar() ? "<p><b>" : "<p class=\"warn\"><b>")
        .append(ReportWriter.esc(q.verdict()))
        .append("</b></p>");
    return h.toString();
  }
}
