package dev.scaling.driver.fit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaling.common.fit.Interval;
import dev.scaling.common.hparams.HparamsEstimate;
import dev.scaling.common.hparams.HparamsFit;
import dev.scaling.common.hparams.HparamsLaw;
import dev.scaling.common.spec.InvariantViolation;
import dev.scaling.driver.report.HparamsSection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hyperparameter laws as a study beside the scaling laws: rows of form {@value #FORM} for the
 * fits table, the report's "Hyperparameters" section and the printed summary; {@code ./sweep fit
 * --form hparams} prints the same summary and {@link #json}.
 */
public final class HparamsSideFit implements SideFit {
  /** The form column of the hyperparameter-law rows of {@code OUT/fits}. */
  public static final String FORM = "hparams";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HparamsFit fit;
  private final List<String> notes;

  /**
   * @param fit the fitted laws
   * @param notes sentences about the runs left out or how they were ranked, for the report
   */
  public HparamsSideFit(HparamsFit fit, List<String> notes) {
    this.fit = fit;
    this.notes = List.copyOf(notes);
  }

  /** The fitted laws. */
  public HparamsFit fit() {
    return fit;
  }

  @Override
  public List<FitsTable.Row> rows() {
    List<FitsTable.Row> rows = new ArrayList<>();
    for (HparamsEstimate e : fit.parameters()) {
      HparamsLaw law = e.name().startsWith("lr") ? fit.lr() : fit.batch();
      rows.add(
          new FitsTable.Row(
              FORM, null, e.name(), e.estimate(), e.ci(), law.rss(), law.points(), null, false));
    }
    return rows;
  }

  @Override
  public String html() {
    return HparamsSection.html(fit, notes);
  }

  @Override
  public List<String> summary() {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "Hyperparameter laws (StepLaw): %d (N, D) cells, %d runs, %d kept within %s of their"
                + " cell's best loss; %s",
            fit.cells().size(),
            fit.runs(),
            fit.runsKept(),
            HparamsSection.percent(fit.options().tolerance()),
            fit.options().bootstrap() == 0
                ? "no bootstrap"
                : String.format(
                    Locale.ROOT,
                    "%.0f%% intervals from %d resamples of whole cells",
                    100 * fit.options().confidence(),
                    fit.options().bootstrap())));
    lines.add("  " + HparamsSection.formula("lr*(N, D)", fit.lr()));
    addParameters(lines, fit.lr());
    lines.add(
        "  "
            + HparamsSection.formula(HparamsSection.batchName(fit.batch()), fit.batch())
            + " (tokens per step)");
    addParameters(lines, fit.batch());
    if (fit.degenerateResamples() > 0) {
      lines.add(
          String.format(
              Locale.ROOT,
              "  %d of %d resamples drew cells that do not identify the laws (left out of the"
                  + " intervals)",
              fit.degenerateResamples(),
              fit.options().bootstrap()));
    }
    return lines;
  }

  private static void addParameters(List<String> lines, HparamsLaw law) {
    for (HparamsEstimate e : law.parameters()) {
      Interval ci = e.ci();
      lines.add(
          String.format(
              Locale.ROOT,
              "    %-7s %12.5g%s",
              e.name(),
              e.estimate(),
              ci == null ? "" : String.format(Locale.ROOT, "  [%.5g, %.5g]", ci.lo(), ci.hi())));
    }
  }

  /**
   * The fit as the one JSON line of {@code --json}: {@code {"hparams": {"lr_c": .., "lr_a_N": ..,
   * "lr_b_D": .., "bs_c": .., "bs_e_D": .., "ci": {"lr_c": [lo, hi], ..}, "cells": .., "runs": ..,
   * "runs_kept": .., ..}}}.
   */
  public String json() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode h = root.putObject(FORM);
    for (HparamsEstimate e : fit.parameters()) {
      h.put(e.name(), e.estimate());
    }
    ObjectNode ci = h.putObject("ci");
    for (HparamsEstimate e : fit.parameters()) {
      if (e.ci() != null) {
        ci.putArray(e.name()).add(e.ci().lo()).add(e.ci().hi());
      }
    }
    h.put("cells", fit.cells().size());
    h.put("runs", fit.runs());
    h.put("runs_kept", fit.runsKept());
    h.put("tolerance", fit.options().tolerance());
    h.put("bs_on", fit.options().batchOn().label());
    h.put("bootstrap", fit.options().bootstrap());
    h.put("degenerate_resamples", fit.degenerateResamples());
    try {
      return JSON.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new InvariantViolation("cannot write the hparams JSON", e);
    }
  }
}
