package dev.scaling.common.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PowerLawSpecTest {

  private static final String POWERLAW =
      SpecParserTest.VALID.replace("source: synthetic", "source: powerlaw");

  @Test
  void markerAlphabet_isTheSmallestSquareCover() {
    assertEquals(64, new PowerLawSpec(4096, 8, 32, 3, 0.5, 0).markerAlphabet());
    assertEquals(65, new PowerLawSpec(4097, 8, 32, 3, 0.5, 0).markerAlphabet());
    assertEquals(2, new PowerLawSpec(2, 8, 32, 3, 0.5, 0).markerAlphabet());
    assertEquals(2 * 64 + 8 + 32, new PowerLawSpec(4096, 8, 32, 3, 0.5, 0).vocab());
    assertEquals(8, new PowerLawSpec(4096, 8, 32, 3, 0.5, 0).segmentLength());
  }

  @Test
  void designedExponents_followTheQuantizationModel() {
    PowerLawSpec spec = new PowerLawSpec(4096, 8, 32, 3, 0.5, 0);
    assertEquals(0.5, spec.designedNExponent(), 1e-12);
    assertEquals(1.0 / 3.0, spec.designedDExponent(), 1e-12);
  }

  @Test
  void spec_rejectsNoiseOfOne() {
    SpecException e =
        assertThrows(SpecException.class, () -> new PowerLawSpec(4096, 8, 32, 3, 0.5, 1.0));
    assertEquals("data.powerlaw.noise", e.field());
    assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
  }

  @Test
  void spec_rejectsZeroExponent() {
    SpecException e =
        assertThrows(SpecException.class, () -> new PowerLawSpec(4096, 8, 32, 3, 0, 0));
    assertEquals("data.powerlaw.exponent", e.field());
  }

  @Test
  void parse_powerlawSourceGetsTheDefaultBlock() {
    SweepSpec s = SpecParser.parse(POWERLAW);
    assertEquals(DataSource.POWERLAW, s.data().source());
    assertEquals(PowerLawSpec.DEFAULT, s.data().settings());
    assertEquals(SyntheticSpec.DEFAULT, SpecParser.parse(SpecParserTest.VALID).data().settings());
  }

  @Test
  void parse_readsThePowerlawBlock() {
    SweepSpec s =
        SpecParser.parse(
            POWERLAW.replace(
                "eval_tokens: 1024",
                "eval_tokens: 1024\n  powerlaw: {skills: 100, inputs: 4, outputs: 16, pairs: 2,"
                    + " exponent: 0.3, noise: 0.05}"));
    assertEquals(new PowerLawSpec(100, 4, 16, 2, 0.3, 0.05), s.data().settings());
  }

  @Test
  void parse_rejectsAPowerlawBlockForAnotherSource() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () ->
                SpecParser.parse(
                    SpecParserTest.VALID.replace(
                        "eval_tokens: 1024", "eval_tokens: 1024\n  powerlaw: {skills: 100}")));
    assertEquals("data.powerlaw", e.field());
    assertTrue(e.getMessage().contains("synthetic"), e.getMessage());
  }

  @Test
  void parse_rejectsAnUnknownPowerlawKey() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () ->
                SpecParser.parse(
                    POWERLAW.replace(
                        "eval_tokens: 1024", "eval_tokens: 1024\n  powerlaw: {skils: 100}")));
    assertTrue(e.getMessage().contains("skils"), e.getMessage());
  }
}
