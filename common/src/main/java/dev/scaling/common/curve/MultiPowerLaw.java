package dev.scaling.common.curve;

import java.util.List;

/** Not yet written. */
final class MultiPowerLaw implements CurveLaw {

  @Override
  public List<String> parameterNames() {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<String> parameterMeanings() {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean[] positive() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Prepared prepare(Curve curve) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void predict(double[] p, Prepared curve, double[] out, double[] jac) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<double[]> starts(List<Prepared> train) {
    throw new UnsupportedOperationException();
  }
}
