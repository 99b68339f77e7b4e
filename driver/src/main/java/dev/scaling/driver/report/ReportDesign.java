package dev.scaling.driver.report;

import dev.scaling.common.fit.AllocationStudy;
import dev.scaling.common.fit.ScalingPoint;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How a sweep's rows were laid out, which decides the report's chart set ({@link ReportCharts}): a
 * full grid is drawn per D and per N; an IsoFLOP design by its budgets' profiles (per D it would
 * show one point per D); anything else only by compute.
 */
public enum ReportDesign {
  /** Most (N, D) pairs of the distinct N and D trained: loss vs N per D and loss vs D per N. */
  GRID,
  /** Rows grouped into fixed-compute budgets with several N each: the IsoFLOP profiles. */
  ISOFLOP,
  /** Neither (for example D a fixed multiple of N): loss vs compute alone. */
  OTHER;

  /** Share of the N x D pairs a full grid trains at least. */
  static final double GRID_FILL = 0.5;

  /**
   * The design of {@code points}: a grid when they cover at least {@value #GRID_FILL} of the pairs
   * of their distinct N and D (two or more of each), else IsoFLOP when the study found budget
   * profiles, else other.
   */
  public static ReportDesign of(List<ScalingPoint> points, AllocationStudy study) {
    Set<String> n = new HashSet<>();
    Set<String> d = new HashSet<>();
    Set<String> pairs = new HashSet<>();
    for (ScalingPoint p : points) {
      String kn = String.format(Locale.ROOT, "%.3g", p.n());
      String kd = String.format(Locale.ROOT, "%.3g", p.d());
      n.add(kn);
      d.add(kd);
      pairs.add(kn + "/" + kd);
    }
    if (n.size() >= 2 && d.size() >= 2 && pairs.size() >= GRID_FILL * n.size() * d.size()) {
      return GRID;
    }
    if (study != null && !study.study().profiles().isEmpty()) {
      return ISOFLOP;
    }
    return OTHER;
  }
}
