package io.hollerith.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NumberParserTest {

  /** Bytes that read as part of a number if the parser looked past its range. */
  private static final byte[] LOOKALIKES = "0123456789.-+e|".getBytes(StandardCharsets.UTF_8);

  /**
   * The parse of {@code text} alone in its array, after checking that the same text inside a packet
   * (other bytes before it, and after it as many as a word read could take in) parses the same: a
   * short number is read eight bytes at a time only when the array has the bytes past it.
   */
  private static double parse(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    double alone = NumberParser.parse(b, 0, b.length);
    for (int skew = 0; skew < LOOKALIKES.length; skew++) {
      byte[] packet = new byte[b.length + 2 * Long.BYTES];
      for (int k = 0; k < packet.length; k++) {
        packet[k] = LOOKALIKES[(k + skew) % LOOKALIKES.length];
      }
      System.arraycopy(b, 0, packet, Long.BYTES, b.length);
      assertThat(
              Double.doubleToRawLongBits(
                  NumberParser.parse(packet, Long.BYTES, Long.BYTES + b.length)))
          .as("%s inside a packet", text)
          .isEqualTo(Double.doubleToRawLongBits(alone));
    }
    return alone;
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "0; 0",
        "1; 1",
        "-1; -1",
        "+1; 1",
        "1.5; 1.5",
        "-1.25; -1.25",
        ".5; 0.5",
        "5.; 5",
        "-.5; -0.5",
        "1e3; 1000",
        "1E3; 1000",
        "1e+3; 1000",
        "2.5e-4; 0.00025",
        "1.e2; 100",
        ".5e1; 5",
        "0001; 1",
        "0.000; 0",
        "100.000000; 100",
        "1234568901234.000000; 1234568901234",
        "0x10; 16",
        "0X1f; 31",
        "0o17; 15",
        "0b101; 5",
        "0x0; 0",
        "9007199254740993; 9007199254740992",
        "1e-400; 0",
        "1.7976931348623157e308; 1.7976931348623157e308",
        "4.9e-324; 4.9e-324",
        "123456789012345678901234567890; 1.2345678901234568e29",
      })
  void parsesWhatJavaScriptNumberParses(String text, double expected) {
    assertThat(parse(text)).isEqualTo(expected);
  }

  @Test
  void trimsJavaScriptWhiteSpace() {
    assertThat(parse(" \t7\r\n")).isEqualTo(7);
    assertThat(parse("\u00A0\uFEFF8\u3000\u2028")).isEqualTo(8);
    assertThat(parse("\u00858")).isNaN(); // U+0085 is not JavaScript white space
  }

  @Test
  void keepsTheSignOfZero() {
    assertThat(Double.doubleToRawLongBits(parse("-0"))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(Double.doubleToRawLongBits(parse("-0.000e5")))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(Double.doubleToRawLongBits(parse("0"))).isEqualTo(0L);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "+",
        "-",
        ".",
        "+.",
        "e5",
        ".e5",
        "1e",
        "1e+",
        "1e-",
        "1.2.3",
        "--1",
        "+-1",
        "1-",
        "1 2",
        "NaN",
        "Infinity",
        "-Infinity",
        "+Infinity",
        "infinity",
        "1e309",
        "-1e309",
        "0x",
        "0xg",
        "-0x10",
        "+0x10",
        "0b102",
        "0o8",
        "1_000",
        "1,5",
        "abc",
        "12abc",
        "0x1p3",
        "1d",
        "1f",
        "١",
        "1\u00A0\u00851",
      })
  void rejectsEverythingElse(String text) {
    assertThat(parse(text)).isNaN();
  }

  @Test
  void hugeRadixIntegersRoundLikeBigInteger() {
    assertThat(parse("0x" + "f".repeat(40)))
        .isEqualTo(new BigInteger("f".repeat(40), 16).doubleValue());
    assertThat(parse("0x" + "f".repeat(300))).isNaN();
  }

  /**
   * The plain-integer fast path: up to 18 digits, leading zeros, beyond 2^53 (rounded like
   * parseDouble).
   */
  @Test
  void plainIntegersOfEveryLengthEqualParseDouble() {
    SplittableRandom random = new SplittableRandom(7L);
    for (int digits = 1; digits <= 20; digits++) {
      for (int k = 0; k < 2_000; k++) {
        StringBuilder sb = new StringBuilder();
        for (int d = 0; d < digits; d++) {
          sb.append((char) ('0' + random.nextInt(10)));
        }
        String text = sb.toString();
        assertThat(Double.doubleToRawLongBits(parse(text)))
            .as(text)
            .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
      }
    }
    assertThat(parse("9007199254740993")).isEqualTo(9007199254740992.0); // 2^53 + 1 rounds to even
    assertThat(parse("999999999999999999")).isEqualTo(1e18);
    assertThat(parse("0")).isEqualTo(0.0);
    assertThat(parse("12a")).isNaN();
  }

  /**
   * The plain-decimal fast path: a sign, up to 18 digits, the point anywhere (rounded like
   * parseDouble).
   */
  @Test
  void plainDecimalsOfEveryLengthAndPointEqualParseDouble() {
    SplittableRandom random = new SplittableRandom(11L);
    for (int digits = 1; digits <= 20; digits++) {
      for (int point = 0; point <= digits; point++) {
        for (int k = 0; k < 300; k++) {
          StringBuilder sb = new StringBuilder();
          sb.append(random.nextInt(3) == 0 ? "" : random.nextBoolean() ? "-" : "+");
          for (int d = 0; d < digits; d++) {
            sb.append(d == point ? "." : "").append((char) ('0' + random.nextInt(10)));
          }
          String text = point == digits ? sb + "." : sb.toString();
          assertThat(Double.doubleToRawLongBits(parse(text)))
              .as(text)
              .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
        }
      }
    }
    assertThat(parse("40.5")).isEqualTo(40.5);
    assertThat(parse("+3.5")).isEqualTo(3.5);
    assertThat(Double.doubleToRawLongBits(parse("-0.0")))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(parse("9007199254.740993")).isEqualTo(9007199254.740993);
    assertThat(parse("1.2.3")).isNaN();
    assertThat(parse("-.")).isNaN();
  }

  /** Every decimal form, fast path or not, gives exactly {@link Double#parseDouble}'s double. */
  @Test
  void equalsDoubleParseDoubleOnRandomDecimals() {
    SplittableRandom random = new SplittableRandom(20261122L);
    for (int i = 0; i < 300_000; i++) {
      String text = randomDecimal(random);
      double expected = Double.parseDouble(text);
      double actual = parse(text);
      if (Double.isInfinite(expected) || Double.isNaN(expected)) {
        assertThat(actual).as(text).isNaN();
      } else {
        assertThat(Double.doubleToRawLongBits(actual))
            .as(text)
            .isEqualTo(Double.doubleToRawLongBits(expected));
      }
    }
  }

  private static String randomDecimal(SplittableRandom r) {
    switch (r.nextInt(6)) {
      case 0 -> {
        return Double.toString(Double.longBitsToDouble(r.nextLong()) % 1e300);
      }
      case 1 -> {
        return String.format(
            Locale.ROOT, "%." + r.nextInt(10) + "f", r.nextDouble() * Math.pow(10, r.nextInt(20)));
      }
      case 2 -> {
        return String.format(
            Locale.ROOT,
            "%." + r.nextInt(20) + "e",
            (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-300, 300)));
      }
      case 3 -> {
        return Long.toString(r.nextLong() >> r.nextInt(64));
      }
      default -> {
        StringBuilder sb = new StringBuilder();
        if (r.nextInt(4) == 0) {
          sb.append(r.nextBoolean() ? '-' : '+');
        }
        int intDigits = r.nextInt(0, 25);
        for (int k = 0; k < intDigits; k++) {
          sb.append((char) ('0' + (r.nextInt(3) == 0 ? 0 : r.nextInt(10))));
        }
        int fracDigits = r.nextInt(0, 25);
        if (fracDigits > 0 || intDigits == 0 || r.nextBoolean()) {
          sb.append('.');
          for (int k = 0; k < Math.max(fracDigits, intDigits == 0 ? 1 : 0); k++) {
            sb.append((char) ('0' + (r.nextInt(3) == 0 ? 0 : r.nextInt(10))));
          }
        }
        if (r.nextInt(3) == 0) {
          sb.append(r.nextBoolean() ? 'e' : 'E');
          int choice = r.nextInt(3);
          if (choice == 1) {
            sb.append('-');
          } else if (choice == 2) {
            sb.append('+');
          }
          sb.append(r.nextInt(0, r.nextBoolean() ? 40 : 400));
        }
        return sb.toString();
      }
    }
  }
}
