package dev.scaling.driver.report.paper;

/**
 * Whether one of the paper's figures appears in the report, and why not (which axis of the sweep
 * would produce it) or what part of it is missing.
 *
 * @param figure the figure
 * @param present whether it appears
 * @param reason for a missing figure, what the sweep would need (never blank); for a present one, a
 *     note on a missing part or null
 */
public record FigureStatus(KaplanFigure figure, boolean present, String reason) {
  public FigureStatus {
    if (figure == null) {
      throw new IllegalArgumentException("a figure status must name its figure, found null");
    }
    if (!present && (reason == null || reason.isBlank())) {
      throw new IllegalArgumentException(
          figure.label() + " is missing, so its status must say why, found " + reason);
    }
  }

  /** A figure that appears in full. */
  public static FigureStatus shown(KaplanFigure figure) {
    return new FigureStatus(figure, true, null);
  }

  /** A figure that is missing, with what would produce it. */
  public static FigureStatus missing(KaplanFigure figure, String reason) {
    return new FigureStatus(figure, false, reason);
  }
}
