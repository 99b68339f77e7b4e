package dev.scaling.driver.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaling.common.trial.Trial;
import dev.scaling.common.trial.TrialStatus;
import dev.scaling.driver.live.SweepView.CurveSeries;
import dev.scaling.driver.live.SweepView.TrialView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The Sweep page's snapshot of a 10 000-trial sweep ({@link ScaleFixture}): bounded in size, its
 * totals over every trial, the page of rows a query asks for, every running row and at most
 * SweepModel.MAX_CURVES sampled curves spread over the grid.
 */
class SweepModelScaleTest {
  static final List<Trial> TRIALS = ScaleFixture.PLAN.trials();

  static SweepQuery query(Map<String, String> params) {
    return SweepQuery.parse(params::get);
  }

  @Test
  void snapshot_of10000TrialsIsUnder500kBWithTotalsOfEveryTrial() {
    assertEquals(10_000, TRIALS.size());
    SweepModel m = ScaleFixture.model(256);
    SweepView v = m.snapshot();
    String json = SweepPage.json(v);
    int bytes = json.getBytes(StandardCharsets.UTF_8).length;
    String html = SweepPage.body(v);
    System.out.printf(
        "10 000 trials, 256 running: /sweep/json %.1f kB, page body %.1f kB%n",
        bytes / 1000.0, html.getBytes(StandardCharsets.UTF_8).length / 1000.0);
    assertTrue(bytes < 500_000, "/sweep/json of " + bytes + " bytes");

    int finished = 0;
    int failed = 0;
    int diverged = 0;
    double flopsDone = 0;
    double flopsTotal = 0;
    List<String> running = new ArrayList<>();
    for (int i = 0; i < TRIALS.size(); i++) {
      Trial t = TRIALS.get(i);
      flopsTotal += t.flops();
      if (ScaleFixture.committed(i)) {
        flopsDone += t.flops();
        switch (ScaleFixture.status(i)) {
          case FINISHED -> finished++;
          case FAILED -> failed++;
          case DIVERGED -> diverged++;
        }
      } else if (running.size() < 256) {
        running.add(t.trialId());
        flopsDone += t.flops() * (t.steps() / 2) / t.steps();
      }
    }
    SweepView.Progress p = v.progress();
    assertEquals(10_000, p.planned());
    assertEquals(finished, p.finished());
    assertEquals(failed, p.failed());
    assertEquals(diverged, p.diverged());
    assertEquals(6000, finished + failed + diverged);
    assertEquals(256, p.running());
    assertEquals(flopsTotal, p.flopsTotal(), flopsTotal * 1e-12);
    assertEquals(flopsDone, p.flopsDone(), flopsTotal * 1e-12);
    assertEquals(running, v.running().stream().map(TrialView::id).toList());
    assertEquals(256, v.page().runningTotal());

    // The first page in plan order; the page says how much it shows.
    assertEquals(100, v.trials().size());
    assertEquals(
        TRIALS.subList(0, 100).stream().map(Trial::trialId).toList(),
        v.trials().stream().map(TrialView::id).toList());
    assertEquals(10_000, v.page().matched());
    assertTrue(html.contains("showing 1&ndash;100 of 10,000"), "the page says it is paged");
    assertTrue(
        html.contains("curves: " + SweepModel.MAX_CURVES + " sampled of 6,256"),
        "the page says curves are sampled");

    // Per-axis counts: every width holds 1000 trials, their finished ones add up.
    SweepView.AxisCounts width =
        v.axes().stream().filter(a -> a.axis().equals("width")).findFirst().orElseThrow();
    assertEquals(10, width.values().size());
    assertEquals(
        List.of(1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000),
        width.values().stream().map(SweepView.ValueCounts::trials).toList());
    assertEquals(finished, width.values().stream().mapToInt(SweepView.ValueCounts::finished).sum());
    assertEquals(
        List.of("depth", "replica", "tokens", "width"),
        v.axes().stream().map(SweepView.AxisCounts::axis).sorted().toList());

    // 256 running trials: the MAX_CURVES curves are running ones, each thinned.
    SweepView.Curves c = v.curves();
    assertEquals(SweepModel.MAX_CURVES, c.shown());
    assertEquals(6256, c.of());
    assertTrue(c.series().stream().allMatch(s -> s.tokensAt().size() <= SweepModel.CURVE_POINTS));
    assertTrue(
        new HashSet<>(running).containsAll(c.series().stream().map(CurveSeries::id).toList()));
  }

  @Test
  void snapshot_servesThePageOfRowsAQueryAsksFor() {
    SweepModel m = ScaleFixture.model(256);
    // Finished trials, rows 200..249 of them in plan order.
    SweepView v = m.snapshot(query(Map.of("status", "finished", "offset", "200", "limit", "50")));
    List<String> finished =
        IntStream.range(0, TRIALS.size())
            .filter(
                i -> ScaleFixture.committed(i) && ScaleFixture.status(i) == TrialStatus.FINISHED)
            .mapToObj(i -> TRIALS.get(i).trialId())
            .toList();
    assertEquals(finished.size(), v.page().matched());
    assertEquals(finished.subList(200, 250), v.trials().stream().map(TrialView::id).toList());

    // The ten lowest held-out losses: committed trials' (the running report 2.6, planned none).
    List<Integer> byLoss = new ArrayList<>();
    for (int i = 0; i < TRIALS.size(); i++) {
      if (ScaleFixture.committed(i)) {
        byLoss.add(i);
      }
    }
    byLoss.sort(Comparator.comparingDouble(ScaleFixture::evalLoss));
    SweepView sorted = m.snapshot(query(Map.of("sort", "eval_loss", "limit", "10")));
    assertEquals(
        byLoss.subList(0, 10).stream().map(i -> TRIALS.get(i).trialId()).toList(),
        sorted.trials().stream().map(TrialView::id).toList());
    SweepView worst = m.snapshot(query(Map.of("sort", "-eval_loss", "limit", "1")));
    assertEquals("planned", worst.trials().get(0).status(), "no loss sorts last, first reversed");

    // A text filter: width 64 and depth 3 hold 10 token counts x 10 seeds.
    SweepView cell = m.snapshot(query(Map.of("q", "width=64 D=3", "limit", "1000")));
    assertEquals(100, cell.page().matched());
    assertTrue(cell.trials().stream().allMatch(t -> t.width() == 64 && t.depth() == 3));
    String id = TRIALS.get(1234).trialId();
    assertEquals(
        List.of(id),
        m.snapshot(query(Map.of("q", id))).trials().stream().map(TrialView::id).toList());
    assertEquals(10_000, cell.page().total());
  }

  @Test
  void curves_sampleFinishedTrialsAcrossTheGridAfterTheRunningOnes() {
    SweepModel m = ScaleFixture.model(40);
    SweepView.Curves c = m.snapshot().curves();
    assertEquals(SweepModel.MAX_CURVES, c.shown());
    assertEquals(6040, c.of());
    Set<String> running = new HashSet<>();
    m.snapshot().running().forEach(t -> running.add(t.id()));
    assertEquals(40, running.size());
    List<CurveSeries> others = c.series().stream().filter(s -> !running.contains(s.id())).toList();
    assertEquals(
        SweepModel.MAX_CURVES - 40, others.size(), "every running curve, then the rest sampled");
    Set<Integer> widths = new HashSet<>();
    Set<Integer> depths = new HashSet<>();
    Set<Long> tokens = new HashSet<>();
    for (CurveSeries s : others) {
      widths.add(s.width());
      depths.add(s.depth());
      tokens.add(s.tokens());
      assertEquals(SweepModel.CURVE_POINTS, s.tokensAt().size(), "100 committed points thinned");
      Trial t = TRIALS.stream().filter(x -> x.trialId().equals(s.id())).findFirst().orElseThrow();
      assertEquals(
          t.tokensTrained(), s.tokensAt().get(SweepModel.CURVE_POINTS - 1), "the last point kept");
    }
    assertEquals(10, widths.size(), "sampled over every width: " + widths);
    assertEquals(10, depths.size(), "sampled over every depth: " + depths);
    assertTrue(tokens.size() >= 5, "sampled over the token counts: " + tokens);
  }

  @Test
  void query_rejectsValuesOutOfRange() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> query(Map.of("limit", "0")));
    assertEquals("limit must be between 1 and 1000, found 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> query(Map.of("sort", "color")));
    assertTrue(e.getMessage().startsWith("sort must be one of [plan, id,"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> query(Map.of("status", "done")));
    assertTrue(e.getMessage().contains("found 'done'"), e.getMessage());
  }
}
