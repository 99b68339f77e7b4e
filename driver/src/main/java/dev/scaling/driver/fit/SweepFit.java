package dev.scaling.driver.fit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaling.common.fit.Allocation;
import dev.scaling.common.fit.AllocationStudy;
import dev.scaling.common.fit.BootstrapResult;
import dev.scaling.common.fit.DesignCheck;
import dev.scaling.common.fit.Interval;
import dev.scaling.common.fit.LawFit;
import dev.scaling.common.fit.ProfileQuality;
import dev.scaling.common.fit.ScalingAnalysis;
import dev.scaling.common.fit.ScalingFitter;
import dev.scaling.driver.report.IntervalText;
import dev.scaling.driver.report.IsoflopQualitySection;
import dev.scaling.driver.report.LearningRateTransfer;
import dev.scaling.driver.report.LossTrends;
import dev.scaling.driver.report.ReportWriter;
import dev.scaling.driver.report.SweepFacts;
import dev.scaling.driver.report.TrialPoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Fits the laws over finished trials and writes {@code OUT/fits} and {@code OUT/report}: the one
 * call both {@code ./sweep fit} and the end of {@code ./sweep run} make.
 */
public final class SweepFit {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SweepFit() {}

  /**
   * Fits the request's forms over its rows, estimates the compute-optimal allocation by each of its
   * approaches (C = 6ND, or each row's compute where given), writes the fits table and the report
   * under {@code outDir} as one unit (both into a temporary folder in {@code outDir}, then moved
   * into place together: an earlier {@code fits} and {@code report} are replaced both or neither),
   * and returns what was done (the summary and JSON are returned, not printed).
   */
  public static FitOutcome fitAndReport(FitRequest request, Path outDir) {
    Path staging = staging(outDir);
    boolean published = false;
    try {
      FitOutcome done = publish(write(request, staging), outDir);
      published = true;
      return done;
    } finally {
      dropStaging(staging, published);
    }
  }

  /**
   * Fits and writes {@code fits} and {@code report} into {@code folder} as they are (no staging):
   * the first half of {@link #fitAndReport}, for callers that decide when to {@link #publish}.
   */
  public static FitOutcome write(FitRequest request, Path folder) {
    List<TrialPoint> rows = request.rows();
    SweepFacts facts = request.facts();
    List<String> notes = request.notes();
    LearningRateTransfer learningRates = request.learningRates();
    ScalingAnalysis a =
        new ScalingFitter(request.options(), System.err::println)
            .analyse(
                rows.stream().map(TrialPoint::point).toList(), request.weights(), request.forms());
    AllocationStudy study = AllocationStudy.run(a, request.compute(), request.approaches());
    List<FitsTable.Row> fitRows = new ArrayList<>(FitsTable.rows(a, study));
    List<String> sections = new ArrayList<>();
    List<SideFit> sides = request.sideFits().stream().map(f -> f.beside(a, study)).toList();
    for (SideFit side : sides) {
      fitRows.addAll(side.rows());
      sections.add(side.html());
    }
    Path fits = FitsTable.write(fitRows, folder.resolve("fits"));
    Path report =
        ReportWriter.write(
            a,
            study,
            rows,
            request.curves(),
            facts,
            notes,
            learningRates,
            request.predictions(),
            sections,
            folder);
    if (learningRates != null) {
      try {
        JSON.writerWithDefaultPrettyPrinter()
            .writeValue(report.resolveSibling("learning_rate.json").toFile(), learningRates);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot write " + report.resolveSibling("learning_rate.json"), e);
      }
    }
    StringBuilder summary = new StringBuilder(summary(a, study, notes, facts));
    for (SideFit side : sides) {
      for (String line : side.summary()) {
        summary.append(line).append('\n');
      }
    }
    return new FitOutcome(a, study, fits, report, notes, summary.toString(), json(a, study));
  }

  /**
   * Writes {@code fits} and {@code report} of side fits alone into {@code folder} (no staging), for
   * a sweep whose rows are too few for the joint laws but whose side studies (a batch-size axis at
   * one D) stand on their own: the fits table holds their rows, the report their sections after
   * {@code notes}. The outcome has no analysis and no allocations.
   */
  public static FitOutcome writeSides(List<SideFit> sides, List<String> notes, Path folder) {
    List<FitsTable.Row> fitRows = new ArrayList<>();
    List<String> sections = new ArrayList<>();
    StringBuilder summary = new StringBuilder();
    for (SideFit side : sides) {
      fitRows.addAll(side.rows());
      sections.add(side.html());
      side.summary().forEach(l -> summary.append(l).append('\n'));
    }
    Path fits = FitsTable.write(fitRows, folder.resolve("fits"));
    Path report = ReportWriter.writeSections(notes, sections, folder);
    return new FitOutcome(null, null, fits, report, notes, summary.toString(), "{}");
  }

  /** A new temporary folder inside {@code outDir} (same file system, so moves are renames). */
  public static Path staging(Path outDir) {
    try {
      Files.createDirectories(outDir);
      return Files.createTempDirectory(outDir, ".fit-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder in " + outDir, e);
    }
  }

  /**
   * Moves the {@code fits} and {@code report} of a {@link #write} in a staging folder inside {@code
   * outDir} into place: the earlier ones are first moved into the staging folder (both, or neither
   * when that fails), then the new ones in; returns the outcome with the final paths. The staging
   * folder (holding the earlier ones) is the caller's to delete.
   */
  public static FitOutcome publish(FitOutcome staged, Path outDir) {
    Path staging = staged.report().getParent().getParent();
    List<String> parts = List.of("report", "fits");
    List<String> asideDone = new ArrayList<>();
    try {
      for (String part : parts) {
        if (Files.exists(outDir.resolve(part), LinkOption.NOFOLLOW_LINKS)) {
          Files.move(outDir.resolve(part), staging.resolve("old-" + part));
          asideDone.add(part);
        }
      }
    } catch (IOException e) {
      restore(asideDone, staging, outDir);
      throw new UncheckedIOException(
          "cannot replace the fits and report in " + outDir + " (both left as they were)", e);
    }
    List<String> placed = new ArrayList<>();
    try {
      for (String part : parts) {
        Files.move(staging.resolve(part), outDir.resolve(part));
        placed.add(part);
      }
    } catch (IOException e) {
      for (String part : placed) {
        try {
          Files.move(outDir.resolve(part), staging.resolve(part));
        } catch (IOException ignored) {
          // Best effort: the earlier files are restored below where the name is free.
        }
      }
      restore(asideDone, staging, outDir);
      throw new UncheckedIOException(
          "cannot move the new fits and report into " + outDir + " (the earlier ones restored)", e);
    }
    return new FitOutcome(
        staged.analysis(),
        staged.allocations(),
        outDir.resolve("fits").resolve(staged.fitsFile().getFileName()),
        outDir.resolve("report").resolve(staged.report().getFileName()),
        staged.notes(),
        staged.summary(),
        staged.json());
  }

  private static void restore(List<String> aside, Path staging, Path outDir) {
    for (String part : aside) {
      try {
        Files.move(staging.resolve("old-" + part), outDir.resolve(part));
      } catch (IOException ignored) {
        // Left in the staging folder, which is then not deleted by a caller that sees the error.
      }
    }
  }

  /**
   * Removes a staging folder; after a failed {@link #publish} ({@code published} false) one that
   * still holds earlier files it could not restore is kept, so nothing finished is lost.
   */
  public static void dropStaging(Path staging, boolean published) {
    if (published
        || !(Files.exists(staging.resolve("old-fits"))
            || Files.exists(staging.resolve("old-report")))) {
      deleteTree(staging);
    }
  }

  /** Deletes a folder and everything under it; quietly, a leftover temporary folder is harmless. */
  public static void deleteTree(Path folder) {
    if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(folder)) {
      all.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // See above.
                }
              });
    } catch (IOException ignored) {
      // See above.
    }
  }

  /**
   * A few lines for people, with the evaluation noise and the trends it resolves, and the source's
   * true values beside the fitted ones where known.
   */
  public static String summary(
      ScalingAnalysis a, AllocationStudy study, List<String> notes, SweepFacts facts) {
    Double entropyFloor = facts.entropyFloor();
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "fit: %d rows, huber delta %g%n",
                a.points().size(),
                a.options().huberDelta()));
    notes.forEach(n -> s.append("  note: ").append(n).append('\n'));
    for (LawFit f : a.fits()) {
      s.append(
          String.format(
              Locale.ROOT,
              "  %-10s objective %.6e (%d rows, %d starts, %d ms):",
              f.form().label(),
              f.fit().objective(),
              f.fit().nPoints(),
              f.fit().starts(),
              f.fit().millis()));
      for (Map.Entry<String, Double> e : f.fit().params().named().entrySet()) {
        Interval ci = f.bootstrap() == null ? null : f.bootstrap().get(e.getKey());
        s.append(String.format(Locale.ROOT, " %s=%.4g", e.getKey(), e.getValue()));
        String caveat = IntervalText.caveat(f.fit(), e.getKey(), ci);
        if (caveat != null) {
          s.append(" (").append(caveat).append(')');
        } else if (ci != null) {
          s.append(String.format(Locale.ROOT, " [%.4g, %.4g]", ci.lo(), ci.hi()));
        }
      }
      if (f.fit().isAtBound()) {
        s.append(" (at bound: ").append(f.fit().boundNote()).append(')');
      }
      s.append('\n');
      if (f.backtest() != null) {
        s.append(
            String.format(
                Locale.ROOT,
                "  %-10s backtest: mean rel. error %.3f%% on %d highest-compute rows%n",
                f.form().label(),
                100 * f.backtest().meanRelError(),
                f.backtest().heldOutRows()));
      }
    }
    for (ScalingAnalysis.Skipped k : a.skipped()) {
      s.append(
          String.format(Locale.ROOT, "  %-10s not fitted: %s%n", k.form().label(), k.reason()));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "  compute-optimal N_opt = G C^a, D_opt = H C^b, at C=%.3g (10x the largest budget):%n",
            study.study().targetCompute()));
    for (Allocation e : study.estimates()) {
      s.append(
          String.format(
              Locale.ROOT,
              "  %-10s a=%.4f%s b=%.4f%s N_opt=%.4g D_opt=%.4g (%.1f tokens/param, %d ms)%n",
              e.approach().label(),
              e.a(),
              ci(e.ciA()),
              e.b(),
              ci(e.ciB()),
              e.nOpt(),
              e.dOpt(),
              e.tokensPerParam(),
              e.millis()));
    }
    for (AllocationStudy.Skipped k : study.skipped()) {
      s.append(
          String.format(
              Locale.ROOT, "  %-10s not applied: %s%n", k.approach().label(), k.reason()));
    }
    if (study.crossCheck() != null && study.crossCheck().agrees()) {
      s.append("  check: ").append(study.crossCheck().message()).append('\n');
    }
    for (DesignCheck c : study.checks()) {
      s.append(c.warning() ? "  warning: " : "  check: ").append(c.message()).append('\n');
    }
    if (entropyFloor != null) {
      s.append(String.format(Locale.ROOT, "  true entropy floor %.4f%n", entropyFloor));
    }
    if (facts.designedNExponent() != null) {
      s.append(
          String.format(
              Locale.ROOT,
              "  designed loss exponents of the source: %.4f in N (alpha), %.4f in D (beta)%n",
              facts.designedNExponent(),
              facts.designedDExponent()));
    }
    if (facts.evalNoise() != null) {
      s.append(
          String.format(
              Locale.ROOT,
              "  evaluation noise: median standard error of the final held-out loss %.4f nats%s%n",
              facts.evalNoise(),
              facts.evalTokens() == null ? "" : " (" + facts.evalTokens() + " held-out tokens)"));
      for (LossTrends trend : LossTrends.of(a.points(), facts.evalNoise())) {
        s.append("  check: ").append(trend.sentence(facts.evalNoise())).append('\n');
      }
      ProfileQuality q = IsoflopQualitySection.quality(study, facts);
      if (q != null) {
        q.sentences().forEach(l -> s.append("  profiles: ").append(l).append('\n'));
      }
    }
    if (facts.seedSpread() != null) {
      s.append("  ").append(facts.seedSpread().sentence(facts.evalNoise())).append('\n');
    }
    a.warnings().forEach(w -> s.append("  warning: ").append(w.message()).append('\n'));
    return s.toString();
  }

  private static String ci(Interval i) {
    return i == null ? "" : String.format(Locale.ROOT, " [%.4f, %.4f]", i.lo(), i.hi());
  }

  /**
   * The JSON object of the command-line contract: n, and per law form, objective, params, ci, the
   * parameters at a bound and the backtest; the forms not fitted; {@code compute_optimal}, one
   * object per approach (a, b, their intervals, N_opt and D_opt at {@code at_compute}); the
   * approaches not applied; the design checks; and the warnings.
   */
  public static String json(ScalingAnalysis a, AllocationStudy study) {
    ObjectNode root = JSON.createObjectNode();
    root.put("n", a.points().size());
    ArrayNode fits = root.putArray("fits");
    for (LawFit f : a.fits()) {
      ObjectNode o = fits.addObject();
      o.put("form", f.form().label());
      o.put("objective", f.fit().objective());
      o.put("delta", f.fit().delta());
      o.put("n_points", f.fit().nPoints());
      ObjectNode p = o.putObject("params");
      f.fit().params().named().forEach(p::put);
      ArrayNode bound = o.putArray("at_bound");
      f.fit().atBound().forEach(bound::add);
      ObjectNode ci = o.putObject("ci");
      BootstrapResult b = f.bootstrap();
      if (b != null) {
        b.intervals().forEach((k, v) -> ci.putArray(k).add(v.lo()).add(v.hi()));
        b.allocation().forEach((k, v) -> ci.putArray(k.label()).add(v.lo()).add(v.hi()));
      }
      if (f.backtest() != null) {
        o.putObject("backtest")
            .put("mean_rel_error", f.backtest().meanRelError())
            .put("max_rel_error", f.backtest().maxRelError())
            .put("held_out", f.backtest().heldOutRows());
      }
    }
    ArrayNode skipped = root.putArray("not_fitted");
    a.skipped()
        .forEach(k -> skipped.addObject().put("form", k.form().label()).put("reason", k.reason()));
    ArrayNode co = root.putArray("compute_optimal");
    for (Allocation e : study.estimates()) {
      ObjectNode o = co.addObject();
      o.put("approach", e.approach().label());
      o.put("a", e.a());
      o.put("b", e.b());
      ObjectNode ci = o.putObject("ci");
      if (e.ciA() != null) {
        ci.putArray("a").add(e.ciA().lo()).add(e.ciA().hi());
      }
      if (e.ciB() != null) {
        ci.putArray("b").add(e.ciB().lo()).add(e.ciB().hi());
      }
      o.put("n_opt", e.nOpt());
      o.put("d_opt", e.dOpt());
      o.put("at_compute", e.atCompute());
    }
    ArrayNode notApplied = root.putArray("approaches_not_applied");
    study
        .skipped()
        .forEach(
            k ->
                notApplied
                    .addObject()
                    .put("approach", k.approach().label())
                    .put("reason", k.reason()));
    ArrayNode checks = root.putArray("design_checks");
    study
        .checks()
        .forEach(
            c ->
                checks
                    .addObject()
                    .put("kind", c.kind().name().toLowerCase(Locale.ROOT))
                    .put("warning", c.warning())
                    .put("message", c.message()));
    if (study.crossCheck() != null) {
      var vp = study.crossCheck();
      ObjectNode v = root.putObject("variable_projection");
      v.put("objective", vp.objective());
      v.put("bfgs_objective", vp.bfgsObjective());
      v.put("a", vp.a());
      v.put("bfgs_a", vp.bfgsA());
      v.put("agrees", vp.agrees());
    }
    ArrayNode w = root.putArray("warnings");
    a.warnings().forEach(x -> w.add(x.message()));
    return root.toString();
  }
}
