package dev.scaling.driver.report.paper;

/**
 * The figures of Kaplan et al. 2020 the report reproduces, with the label and caption the "Figures"
 * section shows: one constant per figure.
 */
public enum KaplanFigure {
  /** Loss against compute, tokens and parameters with power-law fits. */
  FIGURE_1("Figure 1", "loss vs compute, tokens and parameters with power-law fits"),
  /** Learning curves on a compute axis with the compute-efficient frontier. */
  FIGURE_2("Figure 2", "learning curves against compute with the compute-efficient frontier"),
  /** The shape study: loss at nearly fixed N against the aspect ratio. */
  FIGURE_5("Figure 5", "loss at nearly fixed N against the aspect ratio width/depth"),
  /** Overfitting collapsed onto one variable. */
  FIGURE_9("Figure 9", "overfitting: L(N, D)/L(N, inf) - 1 against N^(alpha_N/alpha_D)/D"),
  /** The early-stopping step against eq. 5.7. */
  FIGURE_16("Figure 16", "early-stopping step against eq. 5.7");

  private final String label;
  private final String caption;

  KaplanFigure(String label, String caption) {
    this.label = label;
    this.caption = caption;
  }

  /** "Figure 1", as the section names it. */
  public String label() {
    return label;
  }

  /** What the figure shows, in a phrase. */
  public String caption() {
    return caption;
  }
}
