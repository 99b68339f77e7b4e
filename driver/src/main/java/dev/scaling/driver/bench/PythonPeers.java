package dev.scaling.driver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaling.driver.bench.BenchReport.PythonEnv;
import dev.scaling.driver.bench.BenchReport.Row;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Python peers of the bench (the PyTorch twin, the scipy fit): probing for them and running
 * them.
 */
final class PythonPeers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String PROBE =
      "import json\n"
          + "out = {}\n"
          + "try:\n"
          + "    import torch\n"
          + "    out['torch'] = torch.__version__\n"
          + "    torch.ones(64, 64) @ torch.ones(64, 64)\n"
          + "    libs = sorted({l.split()[-1] for l in open('/proc/self/maps') if '.so' in l})\n"
          + "    b = [x for x in libs if 'openblas' in x] and 'openblas ' + [x for x in libs if 'openblas' in x][0]\n"
          + "    b = b or ([x for x in libs if 'mkl' in x] and 'mkl')\n"
          + "    b = b or ([x for x in libs if '/libblas' in x] and 'reference ' + [x for x in libs if '/libblas' in x][0])\n"
          + "    out['blas'] = b or 'builtin'\n"
          + "except Exception as e:\n"
          + "    out['torch_error'] = str(e)\n"
          + "try:\n"
          + "    import scipy, numpy\n"
          + "    out['scipy'] = scipy.__version__\n"
          + "except Exception as e:\n"
          + "    out['scipy_error'] = str(e)\n"
          + "print(json.dumps(out))\n";

  private PythonPeers() {}

  /**
   * Probes the candidate interpreters ($SWEEP_BENCH_PYTHON, python3 on the PATH, Debian's
   * /usr/bin/python3: a pyenv or venv python3 on the PATH does not see Debian's python3-torch) for
   * torch (and its BLAS) and scipy; picks the first complete one, else the most complete. Never
   * installs anything.
   */
  static PythonEnv probe(String only) {
    List<String> candidates = new ArrayList<>();
    String env = System.getenv("SWEEP_BENCH_PYTHON");
    if (only != null) {
      candidates.add(only);
    } else {
      if (env != null && !env.isBlank()) {
        candidates.add(env);
      }
      candidates.add("python3");
      candidates.add("/usr/bin/python3");
    }
    PythonEnv best = null;
    for (String exe : candidates) {
      PythonEnv found = probeOne(exe);
      if (found.missing() == null) {
        return found;
      }
      if (best == null || score(found) > score(best)) {
        best = found;
      }
    }
    return best;
  }

  private static int score(PythonEnv e) {
    return (e.executable() != null ? 1 : 0)
        + (e.torch() != null ? 2 : 0)
        + (e.twinUsable() ? 2 : 0)
        + (e.scipy() != null ? 2 : 0);
  }

  private static PythonEnv probeOne(String exe) {
    JsonNode node;
    try {
      node = runJson(List.of(exe, "-c", PROBE), 120);
    } catch (IOException e) {
      return new PythonEnv(
          null,
          null,
          null,
          null,
          "sudo apt-get install -y python3 python3-torch libopenblas0 python3-scipy");
    }
    String torch = text(node, "torch");
    String scipy = text(node, "scipy");
    String blas = text(node, "blas");
    List<String> pkgs = new ArrayList<>();
    if (torch == null) {
      pkgs.add("python3-torch");
    }
    if (torch == null || blas == null || !(blas.startsWith("openblas") || blas.startsWith("mkl"))) {
      pkgs.add("libopenblas0");
    }
    if (scipy == null) {
      pkgs.add("python3-scipy");
    }
    String missing = pkgs.isEmpty() ? null : "sudo apt-get install -y " + String.join(" ", pkgs);
    return new PythonEnv(exe, torch, scipy, blas, missing);
  }

  /**
   * Runs {@code command} (one thread for every BLAS/OpenMP pool) and parses its last stdout line as
   * JSON.
   */
  static JsonNode runJson(List<String> command, long timeoutSeconds) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    pb.environment().put("MKL_NUM_THREADS", "1");
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(
            String.join(" ", command) + " timed out after " + timeoutSeconds + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          command.get(0) + " " + command.get(1) + " exited with " + p.exitValue());
    }
    String[] lines = out.strip().split("\n");
    return JSON.readTree(lines[lines.length - 1]);
  }

  /** Runs the twin for one shape; returns its median ms/step. */
  static JsonNode twin(
      String python,
      Path benchDir,
      int width,
      int depth,
      int heads,
      int context,
      int batch,
      int vocab,
      int warmupSteps,
      int chunks,
      int chunk)
      throws IOException {
    return runJson(
        List.of(
            python,
            benchDir.resolve("torch_twin.py").toString(),
            "--width",
            "" + width,
            "--depth",
            "" + depth,
            "--heads",
            "" + heads,
            "--context",
            "" + context,
            "--batch",
            "" + batch,
            "--vocab",
            "" + vocab,
            "--warmup",
            "" + warmupSteps,
            "--chunks",
            "" + chunks,
            "--chunk",
            "" + chunk,
            "--threads",
            "1"),
        900);
  }

  /**
   * The twin's fp32 matmuls on one thread (its own BLAS): {@code matmul_gflops} for 1024^3 and
   * {@code gemm_gflops.MxKxN} for each of {@code gemms}.
   */
  static JsonNode twinMatmuls(String python, Path benchDir, List<String> gemms) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                python,
                benchDir.resolve("torch_twin.py").toString(),
                "--matmul-only",
                "--matmul",
                "1024",
                "--threads",
                "1"));
    for (String g : gemms) {
      cmd.add("--gemm");
      cmd.add(g);
    }
    return runJson(cmd, 300);
  }

  /** Runs the scipy fit of {@code table}. */
  static JsonNode scipyFit(String python, Path benchDir, Path table, double delta, String grid)
      throws IOException {
    return runJson(
        List.of(
            python,
            benchDir.resolve("scipy_fit.py").toString(),
            "--input",
            table.toString(),
            "--delta",
            Double.toString(delta),
            "--grid",
            grid),
        3600);
  }

  /**
   * Runs {@code bench/scipy_curve_fit.py} on a curves CSV (run, step, lr, loss): the Multi-Power
   * Law fitted by scipy the paper's way; returns its JSON line.
   */
  static JsonNode scipyCurveFit(String python, Path benchDir, Path table, double delta)
      throws IOException {
    return runJson(
        List.of(
            python,
            benchDir.resolve("scipy_curve_fit.py").toString(),
            "--input",
            table.toString(),
            "--delta",
            Double.toString(delta)),
        3600);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** The first row: which Python peers were found, and what is missing. */
  static Row row(PythonEnv py) {
    String blasName = py.blas() == null ? "no BLAS" : py.blas().split(" ")[0];
    return new Row(
        "env",
        "python peers",
        py.executable() != null ? py.executable() : "no python3",
        "torch " + orNo(py.torch()) + " (" + blasName + "), scipy " + orNo(py.scipy()),
        "",
        "",
        py.missing() == null ? "OK" : "MISSING",
        (py.missing() == null ? "" : "NOT INSTALLED, install with: " + py.missing() + "; ")
            + "BLAS: "
            + orNo(py.blas())
            + "; our side: DJL 0.35.1, libtorch 2.7.1 CPU, 1 "
            + "intra-op thread");
  }

  /**
   * bench/ next to the working directory, else next to the application jar
   * (deploy/target/../../bench).
   */
  static Path findBenchDir() {
    Path cwd = Path.of("bench").toAbsolutePath();
    if (Files.isRegularFile(cwd.resolve("torch_twin.py"))) {
      return cwd;
    }
    try {
      Path jar =
          Path.of(PythonPeers.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path p = jar.getParent(); p != null; p = p.getParent()) {
        if (Files.isRegularFile(p.resolve("bench").resolve("torch_twin.py"))) {
          return p.resolve("bench");
        }
      }
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      // fall through
    }
    return cwd;
  }

  /** The lines printed first: what was found, and the install line of what is missing. */
  static String summary(PythonEnv py) {
    return String.format(
            "python: %s, torch %s (BLAS %s), scipy %s%n",
            py.executable() != null ? py.executable() : "MISSING",
            orNo(py.torch()),
            orNo(py.blas()),
            orNo(py.scipy()))
        + (py.missing() == null
            ? ""
            : "NOT INSTALLED (nothing is installed for you): "
                + py.missing()
                + System.lineSeparator());
  }

  private static String orNo(String s) {
    return s == null ? "missing" : s;
  }
}
