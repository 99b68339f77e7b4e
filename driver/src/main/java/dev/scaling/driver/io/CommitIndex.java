package dev.scaling.driver.io;

import dev.scaling.common.trial.TrialOutcome;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathFilter;

/**
 * The driver's index of {@code OUT/commits}: read once ({@link #load}), then kept current by
 * reading only what is new, so a sweep of 10 000 trials opens each commit once rather than once per
 * read, and resumes from a few manifest files rather than 10 000 commits.
 *
 * <p><b>Manifests.</b> The driver compacts commits into {@code OUT/manifests/manifest-<6-digit
 * sequence>.json} ({@link #compact}), each holding the outcomes of many commits, each with its
 * commit file's name, length and modification time as a listing of {@code OUT/commits} reported
 * them. A manifest is written like a commit (temporary file, then a link or rename; a single PUT on
 * S3A), never partially, and only by the driver. The commit files stay the source of truth: a
 * manifest entry counts only while a commit file of that name, length and modification time is
 * listed; one whose commit is gone ({@code --rerun-failed} removed it, {@code --force} moved the
 * folder aside) or was replaced is ignored, and the commit, if any, is read. A trial is durable the
 * moment its own commit exists; the manifests only save the reads. An unreadable manifest is set
 * aside in {@code OUT/quarantine} (the commits it covered are read one by one); one of a newer
 * format is ignored and kept.
 *
 * <p>Every method is synchronized: the driver's main thread uses the index before and after
 * training, the sweep watch's thread while trials train.
 */
public final class CommitIndex {
  /** Commits not yet covered by a manifest that make {@link #compact} write one. */
  public static final int MANIFEST_EVERY = 500;

  /** Manifests above which {@link #compact} merges them all into one. */
  public static final int MERGE_ABOVE = 16;

  /** Threads that read commits no manifest covers, when there are many. */
  static final int READERS = 16;

  /** The manifest format this version writes and reads. */
  static final int FORMAT = 1;

  private static final Pattern MANIFEST = Pattern.compile("manifest-(\\d{6,})\\.json");
  private static final long UNLISTED = -1;

  /** A commit as the index knows it; {@code mtime} is {@link #UNLISTED} until a listing said. */
  private record Entry(long length, long mtime, TrialOutcome outcome) {}

  /**
   * One commit in a manifest.
   *
   * @param file the commit file's name ({@code <trial id>.json})
   * @param length its length in bytes, as listed
   * @param mtime its modification time (ms since the epoch), as listed
   * @param outcome what it holds
   */
  record ManifestEntry(String file, long length, long mtime, TrialOutcome outcome) {}

  /**
   * A manifest file.
   *
   * @param format {@link #FORMAT}
   * @param entries the commits it covers, by file name
   */
  record Manifest(int format, List<ManifestEntry> entries) {}

  private final CommitLog log;
  private final TreeMap<String, Entry> entries = new TreeMap<>();
  private final Set<String> covered = new HashSet<>();
  private final TreeSet<String> manifests = new TreeSet<>();
  private final List<CommitLog.Quarantined> quarantined = new ArrayList<>();
  private long lastSequence;
  private boolean loaded;

  CommitIndex(CommitLog log) {
    this.log = log;
  }

  /** Whether {@code name} is a manifest's file name. */
  static boolean isManifestName(String name) {
    return MANIFEST.matcher(name).matches();
  }

  /**
   * Reads every commit, forgetting what the index held: one listing of {@code OUT/commits} (names,
   * lengths, modification times), one of {@code OUT/manifests}, an open of each manifest, and an
   * open of each commit no manifest covers with its listed length and modification time. Unreadable
   * commits are quarantined as {@link CommitLog#load} documents.
   */
  public synchronized CommitLog.Read load() throws IOException {
    entries.clear();
    covered.clear();
    manifests.clear();
    FileSystem fs = log.fs();
    List<CommitLog.Quarantined> setAside = new ArrayList<>();
    FileStatus[] files = list(fs, log.dir(), CommitLog::isCommit);
    Map<String, FileStatus> listed = new HashMap<>();
    for (FileStatus f : files) {
      listed.put(f.getPath().getName(), f);
    }
    Map<String, ManifestEntry> matching = new HashMap<>();
    for (FileStatus m : list(fs, log.manifestDir(), p -> isManifestName(p.getName()))) {
      lastSequence = Math.max(lastSequence, sequence(m.getPath().getName()));
      Manifest manifest = readManifest(fs, m);
      if (manifest == null) {
        continue;
      }
      manifests.add(m.getPath().getName());
      for (ManifestEntry e : manifest.entries()) {
        FileStatus f = listed.get(e.file());
        if (f != null && matches(e, f)) {
          matching.put(e.file(), e);
        }
      }
    }
    List<FileStatus> toRead = new ArrayList<>();
    for (FileStatus f : files) {
      String name = f.getPath().getName();
      ManifestEntry m = matching.get(name);
      if (m != null) {
        entries.put(name, new Entry(m.length(), m.mtime(), m.outcome()));
        covered.add(name);
      } else {
        toRead.add(f);
      }
    }
    readListed(fs, toRead, setAside);
    loaded = true;
    quarantined.addAll(setAside);
    return new CommitLog.Read(outcomesByTrial(), setAside);
  }

  /**
   * Brings the index up to date with one listing of {@code OUT/commits}, reading only the commits
   * it does not know or that changed (length or modification time), and forgetting those gone; a
   * full {@link #load} when the index was never read.
   *
   * @return the outcomes read by this call (new or changed commits), in file-name order
   */
  public synchronized List<TrialOutcome> refresh() throws IOException {
    if (!loaded) {
      return new ArrayList<>(load().outcomes().values());
    }
    FileSystem fs = log.fs();
    Set<String> seen = new HashSet<>();
    List<FileStatus> toRead = new ArrayList<>();
    for (FileStatus f : list(fs, log.dir(), CommitLog::isCommit)) {
      String name = f.getPath().getName();
      seen.add(name);
      Entry e = entries.get(name);
      if (e != null && e.length() == f.getLen()) {
        if (e.mtime() == f.getModificationTime()) {
          continue;
        }
        if (e.mtime() == UNLISTED) {
          // Read by trial id since the last listing: the listing completes what the read lacked.
          entries.put(name, new Entry(e.length(), f.getModificationTime(), e.outcome()));
          continue;
        }
      }
      covered.remove(name);
      toRead.add(f);
    }
    entries.keySet().retainAll(seen);
    covered.retainAll(seen);
    return readListed(fs, toRead, quarantined);
  }

  /**
   * One trial's commit: from the index when known, else one open (no listing); null when the trial
   * has none (or it was unreadable, then quarantined).
   */
  public synchronized TrialOutcome read(String trialId) throws IOException {
    String name = trialId + ".json";
    Entry known = entries.get(name);
    if (known != null) {
      return known.outcome();
    }
    FileSystem fs = log.fs();
    CommitLog.Parsed p = log.readCommit(fs, new Path(log.dir(), name), null, quarantined);
    if (p == null) {
      return null;
    }
    entries.put(name, new Entry(p.length(), UNLISTED, p.outcome()));
    return p.outcome();
  }

  /** Every commit the index holds, keyed by trial id, in file-name order. */
  public synchronized Map<String, TrialOutcome> outcomes() {
    return java.util.Collections.unmodifiableMap(outcomesByTrial());
  }

  /** The commits this index set aside as unreadable so far. */
  public synchronized List<CommitLog.Quarantined> quarantined() {
    return List.copyOf(quarantined);
  }

  /** Removes a trial's commit (for {@code --rerun-failed}) and forgets it. */
  public synchronized void remove(String trialId) throws IOException {
    log.remove(trialId);
    entries.remove(trialId + ".json");
    covered.remove(trialId + ".json");
  }

  /** {@link CommitLog#startOver}; the index is then empty (and counts as read). */
  public synchronized CommitLog.Replaced startOver() throws IOException {
    CommitLog.Replaced r = log.startOver();
    entries.clear();
    covered.clear();
    manifests.clear();
    loaded = true;
    return r;
  }

  /**
   * Writes a manifest of the listed commits no manifest covers when there are at least {@link
   * #MANIFEST_EVERY} of them, or any at all when {@code atEnd}; when that would make more than
   * {@link #MERGE_ABOVE} manifests (or {@code atEnd} finds more), writes one manifest of every
   * listed commit instead and removes the others. Commits read by trial id and not listed since are
   * left for a later manifest.
   *
   * @return the name of the manifest written, null when none was due
   */
  public synchronized String compact(boolean atEnd) throws IOException {
    List<String> uncovered = new ArrayList<>();
    List<String> listedNames = new ArrayList<>();
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      if (e.getValue().mtime() != UNLISTED) {
        listedNames.add(e.getKey());
        if (!covered.contains(e.getKey())) {
          uncovered.add(e.getKey());
        }
      }
    }
    boolean due = uncovered.size() >= MANIFEST_EVERY || (atEnd && !uncovered.isEmpty());
    boolean merge = manifests.size() + (due ? 1 : 0) > MERGE_ABOVE;
    if (!due && !merge) {
      return null;
    }
    List<String> names = merge ? listedNames : uncovered;
    List<ManifestEntry> lines = new ArrayList<>(names.size());
    for (String name : names) {
      Entry e = entries.get(name);
      lines.add(new ManifestEntry(name, e.length(), e.mtime(), e.outcome()));
    }
    FileSystem fs = log.fs();
    String written = writeManifest(fs, new Manifest(FORMAT, lines));
    covered.addAll(names);
    if (merge) {
      // The merged manifest is durable before the ones it replaces go; a reader that listed them
      // meanwhile and finds one gone reads the commits it covered one by one.
      for (String old : manifests) {
        fs.delete(new Path(log.manifestDir(), old), false);
      }
      manifests.clear();
    }
    manifests.add(written);
    return written;
  }

  /** The manifests this index knows (read or written), by name. */
  synchronized List<String> manifests() {
    return List.copyOf(manifests);
  }

  private String writeManifest(FileSystem fs, Manifest manifest) throws IOException {
    byte[] bytes = CommitLog.json().writeValueAsBytes(manifest);
    fs.mkdirs(log.manifestDir());
    // The next free sequence number: another writer (or a manifest this index could not read) may
    // hold the next one.
    for (int tries = 0; tries < 1000; tries++) {
      String name = String.format(Locale.ROOT, "manifest-%06d.json", ++lastSequence);
      if (CommitLog.writeIfAbsent(fs, new Path(log.manifestDir(), name), bytes)) {
        return name;
      }
    }
    throw new IOException("no free manifest name in " + log.manifestDir());
  }

  /**
   * A manifest's content; null when it is gone (merged away meanwhile), of another format (kept),
   * or unreadable (then set aside in quarantine, said on stderr).
   */
  private Manifest readManifest(FileSystem fs, FileStatus status) throws IOException {
    Path file = status.getPath();
    String reason;
    try (InputStream in = CommitLog.openForRead(fs, file, status)) {
      byte[] bytes = in.readAllBytes();
      if (bytes.length == 0) {
        reason = "the file is empty";
      } else {
        Manifest m = CommitLog.json().readValue(bytes, Manifest.class);
        if (m.format() != FORMAT) {
          System.err.printf(
              Locale.ROOT,
              "manifest %s has format %d (this version reads %d): ignored, its commits are read"
                  + " one by one%n",
              file,
              m.format(),
              FORMAT);
          return null;
        }
        if (m.entries() == null) {
          reason = "it holds no entries";
        } else {
          return m;
        }
      }
    } catch (FileNotFoundException gone) {
      return null;
    } catch (org.apache.hadoop.fs.ChecksumException
        | com.fasterxml.jackson.core.JacksonException e) {
      reason = "cannot be parsed: " + CommitLog.firstLine(e.getMessage());
    } catch (RuntimeException e) {
      reason = "does not hold a valid manifest: " + CommitLog.firstLine(e.getMessage());
    }
    log.quarantine(fs, file, reason)
        .ifPresent(
            q ->
                System.err.printf(
                    Locale.ROOT,
                    "manifest %s is unreadable (%s): set aside in %s, its commits are read one by"
                        + " one%n",
                    file.getName(),
                    q.reason(),
                    q.movedTo()));
    return null;
  }

  /** Whether a manifest entry stands for the listed commit {@code f}. */
  private static boolean matches(ManifestEntry e, FileStatus f) {
    return e.outcome() != null
        && e.outcome().trial() != null
        && e.length() == f.getLen()
        && e.mtime() == f.getModificationTime()
        && e.outcome().trial().trialId().equals(CommitLog.trialIdOf(e.file()));
  }

  /**
   * Reads listed commits into the index (dropping those unreadable or gone), on up to {@link
   * #READERS} threads when there are many (an object store answers each open in tens of
   * milliseconds); returns the outcomes read, in the order of {@code files}.
   */
  private List<TrialOutcome> readListed(
      FileSystem fs, List<FileStatus> files, List<CommitLog.Quarantined> setAside)
      throws IOException {
    List<CommitLog.Quarantined> aside = java.util.Collections.synchronizedList(new ArrayList<>());
    List<CommitLog.Parsed> parsed = new ArrayList<>(files.size());
    if (files.size() < 2 * READERS) {
      for (FileStatus f : files) {
        parsed.add(log.readCommit(fs, f.getPath(), f, aside));
      }
    } else {
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(
              READERS,
              r -> {
                Thread t = new Thread(r, "commit-reader");
                t.setDaemon(true);
                return t;
              });
      try {
        List<java.util.concurrent.Future<CommitLog.Parsed>> futures = new ArrayList<>();
        for (FileStatus f : files) {
          futures.add(pool.submit(() -> log.readCommit(fs, f.getPath(), f, aside)));
        }
        for (java.util.concurrent.Future<CommitLog.Parsed> future : futures) {
          parsed.add(future.get());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while reading the commits");
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        throw new IOException("reading the commits failed", e.getCause());
      } finally {
        pool.shutdownNow();
      }
    }
    List<TrialOutcome> read = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      FileStatus f = files.get(i);
      String name = f.getPath().getName();
      CommitLog.Parsed p = parsed.get(i);
      if (p == null) {
        entries.remove(name);
        covered.remove(name);
        continue;
      }
      // Changed between the listing and the read: the next listing gives its time.
      long mtime = p.length() == f.getLen() ? f.getModificationTime() : UNLISTED;
      entries.put(name, new Entry(p.length(), mtime, p.outcome()));
      read.add(p.outcome());
    }
    List<CommitLog.Quarantined> sorted = new ArrayList<>(aside);
    sorted.sort(java.util.Comparator.comparing(CommitLog.Quarantined::commit));
    setAside.addAll(sorted);
    return read;
  }

  private Map<String, TrialOutcome> outcomesByTrial() {
    Map<String, TrialOutcome> out = new LinkedHashMap<>();
    for (Entry e : entries.values()) {
      out.put(e.outcome().trial().trialId(), e.outcome());
    }
    return out;
  }

  private static FileStatus[] list(FileSystem fs, Path dir, PathFilter filter) throws IOException {
    FileStatus[] files;
    try {
      files = fs.listStatus(dir, filter);
    } catch (FileNotFoundException e) {
      return new FileStatus[0];
    }
    Arrays.sort(files, Comparator.comparing(f -> f.getPath().getName()));
    return files;
  }

  private static long sequence(String manifestName) {
    Matcher m = MANIFEST.matcher(manifestName);
    return m.matches() ? Long.parseLong(m.group(1)) : 0;
  }
}
