package dev.scaling.driver.power;

import dev.scaling.common.fit.ChinchillaParams;
import dev.scaling.common.fit.FitOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What simulating a design says before any compute is spent: the assumed law and noise, the target
 * compute, one {@link QuantityPower} per quantity, how many simulated fits failed or ended at a
 * bound, and a verdict per exponent.
 *
 * @param truth the assumed law
 * @param lawSource where the assumed law came from (the published law, --assume, a run's fit)
 * @param noise the evaluation noise added and where it came from
 * @param rows the fitted rows of the design
 * @param simulations simulated sweeps (K)
 * @param seed the seed the simulations' noise streams derive from
 * @param targetFlops the compute C at which N_opt is judged
 * @param targetSource how C was chosen
 * @param fit the fit options every simulated sweep is fitted with (no bootstrap)
 * @param starts where each simulated fit started
 * @param quantities one entry per {@link Quantity}, in its order
 * @param failed simulations whose fit failed
 * @param atBound simulations whose fit ended with some parameter at a bound
 * @param pin the half-width the verdicts ask of each exponent
 * @param seconds wall time of the simulations
 * @param notes warnings about the assumption (e.g. predicted losses no model can reach)
 */
public record PowerResult(
    ChinchillaParams truth,
    String lawSource,
    Noise noise,
    List<DesignRow> rows,
    int simulations,
    long seed,
    double targetFlops,
    String targetSource,
    FitOptions fit,
    PowerSimulation.Starts starts,
    List<QuantityPower> quantities,
    int failed,
    int atBound,
    double pin,
    double seconds,
    List<String> notes) {
  public PowerResult {
    rows = List.copyOf(rows);
    quantities = List.copyOf(quantities);
    notes = List.copyOf(notes);
  }

  /** The entry of {@code q}. */
  public QuantityPower of(Quantity q) {
    return quantities.stream().filter(p -> p.quantity() == q).findFirst().orElseThrow();
  }

  /** One verdict per exponent (alpha, beta, a): will this design pin it to +-pin? */
  public List<Verdict> verdicts() {
    List<Verdict> out = new ArrayList<>();
    for (QuantityPower p : quantities) {
      if (!p.quantity().exponent()) {
        continue;
      }
      String name = p.quantity().label();
      if (p.estimates() < 2) {
        out.add(
            new Verdict(
                p.quantity(),
                Double.NaN,
                Double.NaN,
                pin,
                false,
                String.format(
                    Locale.ROOT,
                    "%s: %d of %d simulated fits gave an estimate; this design cannot estimate %s",
                    name,
                    p.estimates(),
                    simulations,
                    name)));
        continue;
      }
      boolean narrow = p.width() <= 2 * pin;
      boolean unbiased = Math.abs(p.bias()) < pin;
      boolean pinned = narrow && unbiased;
      StringBuilder m =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%s: expected 95%% interval width %.3g — this design %s %s to ±%s",
                  name,
                  p.width(),
                  pinned ? "will pin" : "will not pin",
                  name,
                  new java.math.BigDecimal(Double.toString(pin))
                      .stripTrailingZeros()
                      .toPlainString()));
      if (!unbiased) {
        m.append(String.format(Locale.ROOT, " (its estimate is biased by %+.3g)", p.bias()));
      } else if (narrow && p.boundOrFailedShare() > 0.05) {
        m.append(
            String.format(
                Locale.ROOT,
                " (but %.0f%% of the fits end at a bound)",
                100 * p.boundOrFailedShare()));
      }
      out.add(new Verdict(p.quantity(), p.width(), p.bias(), pin, pinned, m.toString()));
    }
    return out;
  }

  /** The printed section: the assumption, the noise, the table per quantity and the verdicts. */
  public String describe() {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "%nDesign power: %d simulated sweeps of %d fitted rows under the assumed law%n"
                + "  E=%.4g A=%.4g B=%.4g alpha=%.4g beta=%.4g (%s)%n",
            simulations,
            rows.size(),
            truth.e(),
            truth.a(),
            truth.b(),
            truth.alpha(),
            truth.beta(),
            lawSource));
    s.append("  ").append(noise.describe()).append('\n');
    s.append(
        String.format(
            Locale.ROOT, "  target compute C = %.3g FLOPs (%s)%n", targetFlops, targetSource));
    s.append(
        String.format(
            Locale.ROOT,
            "  each simulated sweep fitted as the real one (chinchilla, huber delta %.3g, point"
                + " estimates) from %s; %d failed, %d ended at a bound; %.1f s, seed %d%n",
            fit.huberDelta(),
            starts == PowerSimulation.Starts.GRID
                ? "the whole start grid"
                : "the assumed law, the noise-free design's optima and the coarse grid"
                    + " (--full-grid for the whole grid)",
            failed,
            atBound,
            seconds,
            seed));
    notes.forEach(n -> s.append("  note: ").append(n).append('\n'));
    s.append(
        String.format(
            Locale.ROOT,
            "  %-7s %11s %11s %11s %9s %11s  %-25s %s%n",
            "",
            "true",
            "mean",
            "bias",
            "rel.bias",
            "95% width",
            "[2.5%, 97.5%]",
            "bound/failed"));
    for (QuantityPower p : quantities) {
      if (p.estimates() == 0) {
        s.append(
            String.format(
                Locale.ROOT,
                "  %-7s %11.4g %11s   no simulated fit gave an estimate%n",
                p.quantity().label(),
                p.truth(),
                "-"));
        continue;
      }
      boolean scale = p.quantity() == Quantity.N_OPT;
      s.append(
          String.format(
              Locale.ROOT,
              "  %-7s %11.4g %11.4g %+11.3g %+8.2f%% %11s  %-25s %5.1f%%%n",
              p.quantity().label(),
              p.truth(),
              p.mean(),
              p.bias(),
              100 * p.relativeBias(),
              scale
                  ? String.format(Locale.ROOT, "x%.3g", p.factor())
                  : String.format(Locale.ROOT, "%.4g", p.width()),
              String.format(Locale.ROOT, "[%.4g, %.4g]", p.interval().lo(), p.interval().hi()),
              100 * p.boundOrFailedShare()));
    }
    s.append("  (N_opt's width is the factor 97.5% / 2.5%)\n");
    for (Verdict v : verdicts()) {
      s.append("  ").append(v.message()).append('\n');
    }
    return s.toString();
  }
}
