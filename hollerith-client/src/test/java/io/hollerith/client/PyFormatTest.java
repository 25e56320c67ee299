package io.hollerith.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Python's float formatting, checked against a table CPython 3.11 wrote ({@code
 * src/test/python/gen_float_vectors.py}: 4,000+ values over every magnitude, short decimals,
 * timings and ties) and fuzzed against exact reference models.
 */
class PyFormatTest {

  record Row(double value, String repr, String fixed6) {}

  static List<Row> table() throws IOException {
    List<Row> rows = new ArrayList<>();
    try (InputStream in = PyFormatTest.class.getResourceAsStream("python-float-format.tsv");
        BufferedReader r =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split("\t");
        rows.add(new Row(Double.longBitsToDouble(Long.parseUnsignedLong(f[0], 16)), f[1], f[2]));
      }
    }
    return rows;
  }

  @Test
  void reprMatchesCpythonOnEveryTableValue() throws IOException {
    List<Row> rows = table();
    assertThat(rows).hasSizeGreaterThan(4000);
    SoftAssertions soft = new SoftAssertions();
    for (Row row : rows) {
      soft.assertThat(PyFormat.repr(row.value()))
          .as("repr of bits %016x", Double.doubleToRawLongBits(row.value()))
          .isEqualTo(row.repr());
    }
    soft.assertAll();
  }

  @Test
  void fixed6MatchesCpythonOnEveryTableValue() throws IOException {
    SoftAssertions soft = new SoftAssertions();
    for (Row row : table()) {
      soft.assertThat(PyFormat.fixed6(row.value()))
          .as("'%%0.6f' of bits %016x", Double.doubleToRawLongBits(row.value()))
          .isEqualTo(row.fixed6());
    }
    soft.assertAll();
  }

  @SuppressWarnings(
      "FloatingPointLiteralPrecision") // the literals are written as Python prints them
  @Test
  void knownValues() {
    assertThat(PyFormat.repr(1.2)).isEqualTo("1.2");
    assertThat(PyFormat.repr(1e-5)).isEqualTo("1e-05");
    assertThat(PyFormat.repr(1e-4)).isEqualTo("0.0001");
    assertThat(PyFormat.repr(1e16)).isEqualTo("1e+16");
    assertThat(PyFormat.repr(9999999999999998.0)).isEqualTo("9999999999999998.0");
    assertThat(PyFormat.repr(5e-324)).isEqualTo("5e-324");
    assertThat(PyFormat.repr(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
    assertThat(PyFormat.repr(-0.0)).isEqualTo("-0.0");
    assertThat(PyFormat.repr(Double.NaN)).isEqualTo("nan");
    assertThat(PyFormat.repr(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
    assertThat(PyFormat.repr(2e23)).isEqualTo("2e+23");
    assertThat(PyFormat.fixed6(0.0078125)).isEqualTo("0.007812");
    assertThat(PyFormat.fixed6(0.0234375)).isEqualTo("0.023438");
    assertThat(PyFormat.fixed6(-0.0)).isEqualTo("-0.000000");
    assertThat(PyFormat.fixed6(Double.POSITIVE_INFINITY)).isEqualTo("inf");
    assertThat(PyFormat.fixed6(999999.9999995)).isEqualTo("999999.999999");
    assertThat(PyFormat.fixed6(0.9999999)).isEqualTo("1.000000");
  }

  /** Fixed-point: the fast path must equal the exact value rounded half-even (Python's rule). */
  @Test
  void fixed6FastPathEqualsExactRounding() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 50_000; i++) {
      double v =
          i % 2 == 0
              ? Double.longBitsToDouble(rnd.nextLong()) // every magnitude
              : rnd.nextDouble(-1e7, 1e7) / (1 << rnd.nextInt(30)); // the fast path's range
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        continue;
      }
      String exact =
          new BigDecimal(Math.abs(v)).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
      String expected = (Double.doubleToRawLongBits(v) < 0 ? "-" : "") + exact;
      assertThat(PyFormat.fixed6(v)).as("fixed6(%s)", v).isEqualTo(expected);
    }
  }

  /**
   * Shortest round trip: the output reads back as the value, and no decimal with fewer significant
   * digits reads back (checked by rounding the exact value both ways one digit shorter).
   */
  @Test
  void reprIsShortestRoundTrip() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int i = 0; i < 20_000; i++) {
      double v =
          switch (i % 3) {
            case 0 -> Double.longBitsToDouble(rnd.nextLong());
            case 1 -> Math.round(rnd.nextDouble(-1e6, 1e6) * 100) / 100.0;
            default -> rnd.nextDouble(0, 1e4);
          };
      if (Double.isNaN(v) || Double.isInfinite(v) || v == 0) {
        continue;
      }
      String s = PyFormat.repr(v);
      assertThat(Double.parseDouble(s)).as(s).isEqualTo(v);
      BigDecimal parsed = new BigDecimal(s.replace("e+", "e"));
      int digits = parsed.stripTrailingZeros().precision();
      if (digits > 1) {
        BigDecimal exact = new BigDecimal(v);
        MathContext shorter = new MathContext(digits - 1, RoundingMode.FLOOR);
        MathContext shorterUp = new MathContext(digits - 1, RoundingMode.CEILING);
        assertThat(exact.round(shorter).doubleValue()).as("shorter than %s", s).isNotEqualTo(v);
        assertThat(exact.round(shorterUp).doubleValue()).as("shorter than %s", s).isNotEqualTo(v);
      }
    }
  }
}
