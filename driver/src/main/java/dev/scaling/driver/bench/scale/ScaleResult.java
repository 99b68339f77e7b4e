package dev.scaling.driver.bench.scale;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one scale bench case measured, typed (the CSV rows are {@link ScaleBench#rows} of it).
 *
 * @param trials trials in the generated plan
 * @param slots task slots of the cluster (executors x cores)
 * @param executors executors the run had
 * @param flopsPerSecond the stand-in's rate
 * @param meanSleepSeconds the planned mean stand-in duration
 * @param boundSeconds the ideal training wall: planned sum of stand-in durations / slots
 * @param trainSeconds the first run's training phase (wall)
 * @param makespanRatio trainSeconds / boundSeconds
 * @param overheadMsPerTrial slot time per trial not spent in the stand-in: in-task plus refill
 * @param inTaskOverheadMs mean task time (launch to finish on the driver) beyond its sleep
 * @param refillGapMs mean wait of a freed slot for its next task while trials were pending
 * @param driverHeapGb peak live heap of the driver (after a full collection), GB
 * @param heapAfterGcPeakGb peak heap used after any collection (an upper bound), GB
 * @param trainedFirst trials the first run trained
 * @param committed distinct trials in the first run's outcome
 * @param commitFiles {@code *.json} files under {@code OUT/commits} after the first run
 * @param firstListings listings the first run made in the driver (the commit folder's polls, the
 *     tables)
 * @param firstOpens files the first run opened in the driver
 * @param resumeTrained trials the second run (every commit present) trained
 * @param resumeSeconds the second run's resume phase
 * @param resumeListings listings the whole second run made in the driver
 * @param resumeOpens files the whole second run opened in the driver
 * @param resumeStatuses status lookups of the whole second run in the driver
 * @param resumeWallSeconds the second run's wall time
 * @param jsonKb the largest {@code /sweep/json} payload seen while training, kB
 * @param jsonPolls successful polls of {@code /sweep/json}
 * @param renderSeconds the Sweep page's first render in headless Chromium, s (NaN: not measured)
 * @param renderNote how the render time was taken, or why not
 * @param tablesSeconds the first run's tables phase ({@code OUT/trials}, {@code OUT/curves})
 * @param fitSeconds the first run's final fit and report
 * @param listenerEvents events on the driver's listener bus during the first run
 * @param accumulatorUpdates accumulator updates those events carried (task ends, heartbeats)
 * @param wallSeconds the whole case, cluster start and stop included
 * @param outDir the OUT folder (deleted after the case unless kept)
 */
public record ScaleResult(
    int trials,
    int slots,
    int executors,
    double flopsPerSecond,
    double meanSleepSeconds,
    double boundSeconds,
    double trainSeconds,
    double makespanRatio,
    double overheadMsPerTrial,
    double inTaskOverheadMs,
    double refillGapMs,
    double driverHeapGb,
    double heapAfterGcPeakGb,
    int trainedFirst,
    int committed,
    long commitFiles,
    long firstListings,
    long firstOpens,
    int resumeTrained,
    double resumeSeconds,
    long resumeListings,
    long resumeOpens,
    long resumeStatuses,
    double resumeWallSeconds,
    double jsonKb,
    int jsonPolls,
    double renderSeconds,
    String renderNote,
    double tablesSeconds,
    double fitSeconds,
    long listenerEvents,
    long accumulatorUpdates,
    double wallSeconds,
    String outDir) {

  /** The case's name in the CSV: {@code <trials>x<slots>}. */
  public String name() {
    return trials + "x" + slots;
  }

  /** The nine figures of the CSV, by name, in the order. */
  public Map<String, Double> figures() {
    Map<String, Double> f = new LinkedHashMap<>();
    f.put("makespan_ratio", makespanRatio);
    f.put("overhead_ms_per_trial", overheadMsPerTrial);
    f.put("driver_heap_gb", driverHeapGb);
    f.put("resume_s", resumeSeconds);
    f.put("resume_listings", (double) resumeListings);
    f.put("json_kb", jsonKb);
    f.put("render_s", renderSeconds);
    f.put("tables_s", tablesSeconds);
    f.put("fit_s", fitSeconds);
    return f;
  }
}
