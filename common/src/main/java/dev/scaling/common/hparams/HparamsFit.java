package dev.scaling.common.hparams;

import java.util.ArrayList;
import java.util.List;

/**
 * The fitted hyperparameter laws of a table: lr*(N, D) = lr_c N^lr_a_N D^lr_b_D and B*(D) = bs_c
 * D^bs_e_D (times N^bs_a_N with {@link BatchLawInputs#N_D}), the cells they came from and how many
 * bootstrap resamples could not be fitted.
 *
 * @param cells the (N, D) cells, ordered by N then D
 * @param lr the learning-rate law
 * @param batch the batch-size law (tokens per optimizer step)
 * @param degenerateResamples resamples whose cells did not identify a law (e.g. every drawn cell
 *     had one N); left out of the intervals
 */
public record HparamsFit(
    HparamsOptions options,
    List<HparamsCell> cells,
    HparamsLaw lr,
    HparamsLaw batch,
    int degenerateResamples) {

  public HparamsFit {
    cells = List.copyOf(cells);
  }

  /** Every run of the table. */
  public int runs() {
    return cells.stream().mapToInt(c -> c.runs().size()).sum();
  }

  /** The runs kept as optimal, over which the laws were fitted. */
  public int runsKept() {
    return cells.stream().mapToInt(c -> c.kept().size()).sum();
  }

  /** Every parameter in fits-table order: lr_c, lr_a_N, lr_b_D, bs_c, bs_e_D (and bs_a_N). */
  public List<HparamsEstimate> parameters() {
    List<HparamsEstimate> out = new ArrayList<>(lr.parameters());
    out.add(batch.c());
    out.add(batch.dExponent());
    if (batch.nExponent() != null) {
      out.add(batch.nExponent());
    }
    return out;
  }
}
