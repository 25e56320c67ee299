package io.hollerith.server.protocol;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Parses a StatsD number from bytes the way Etsy StatsD's {@code Number(text)} does, without
 * allocating for the common forms.
 *
 * <p>Accepted, as JavaScript's {@code Number()} accepts them: surrounding JavaScript white space;
 * an optional sign; decimal digits with an optional fraction ({@code 1}, {@code 1.}, {@code .5},
 * {@code -1.25}); an optional exponent ({@code 1e3}, {@code 2.5E-4}); and unsigned {@code
 * 0x}/{@code 0o}/{@code 0b} integers. Rejected, returning {@link Double#NaN}: empty or blank text,
 * {@code NaN}, {@code Infinity} (which Etsy would accept and which would poison a series), anything
 * that overflows to infinity, and every other form.
 *
 * <p>The result always equals {@link Double#parseDouble} of the same (decimal) text. Values with at
 * most 18 significant digits and a small enough power of ten are computed exactly with one IEEE
 * multiplication or division (Clinger's fast path, no allocation); the rest fall back to {@code
 * Double.parseDouble}, which allocates a string — rare in StatsD traffic.
 *
 * <p>Stateless and thread-safe.
 */
final class NumberParser {

  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };
  private static final long TWO_POW_53 = 1L << 53;
  private static final int MAX_DIGITS = 18;

  /**
   * The shortest digits (with their point) {@link #wordDecimal} reads as one word. Below it the
   * loop is quicker: a counter's {@code 1} or a gauge's {@code 40.5} is a short multiply-add chain,
   * while the word's three multiplications are a fixed one, and a counter's or gauge's value feeds
   * the update that ends its line (measured: {@code c} and {@code g} 3-6 ns per line slower with
   * every value read as a word).
   */
  private static final int WORD_FROM_BYTES = 5;

  // Per-byte constants of wordDecimal.
  private static final long ZEROS = Bytes.repeat('0');
  private static final long POINTS = Bytes.repeat('.');
  private static final long SIXES = Bytes.repeat(0x06);
  private static final long THREES = Bytes.repeat(0x33);
  private static final long HIGH_NIBBLES = Bytes.repeat(0xF0);
  private static final long LOW_NIBBLES = Bytes.repeat(0x0F);

  /** {@link #parseExponent}'s answer for a malformed exponent (real ones stay near ±1,000,000). */
  private static final int NO_EXPONENT = Integer.MIN_VALUE;

  private NumberParser() {}

  /** The number in {@code b[from..to)}, or {@link Double#NaN} when it is not a finite number. */
  static double parse(byte[] b, int from, int to) {
    // Fast path for the bulk of StatsD values: "1", "250", "40.5", "-3", "+0.25".
    double plain = to - from <= MAX_DIGITS + 2 ? plainDecimal(b, from, to) : Double.NaN;
    if (!Double.isNaN(plain)) {
      return plain;
    }
    int s = from;
    int n;
    while (s < to && (n = Utf8.jsWhitespaceAt(b, s, to)) > 0) {
      s += n;
    }
    int e = to;
    while (e > s && (n = Utf8.jsWhitespaceBefore(b, s, e)) > 0) {
      e -= n;
    }
    if (s >= e) {
      return Double.NaN;
    }
    byte c = b[s];
    if (c == '+' || c == '-') {
      return parseDecimal(b, s, s + 1, e, c == '-');
    }
    if (c == '0' && e - s >= 3) {
      int radix =
          switch (b[s + 1] | 0x20) {
            case 'x' -> 16;
            case 'o' -> 8;
            case 'b' -> 2;
            default -> 0;
          };
      if (radix != 0) {
        return parseRadix(b, s + 2, e, radix);
      }
    }
    return parseDecimal(b, s, s, e, false);
  }

  /**
   * {@code b[from..to)} when it is an optional sign, then at most 18 decimal digits with at most
   * one {@code .} among or around them, and nothing else; otherwise {@link Double#NaN}. The digits
   * fit a long exactly; an integer converts to double rounding to nearest, and a fraction whose
   * digits are at most 2^53 is one correctly rounded IEEE division by an exact power of ten
   * (Clinger's fast path), so either way the result is {@link Double#parseDouble}'s.
   */
  private static double plainDecimal(byte[] b, int from, int to) {
    int i = from;
    boolean negative = false;
    if (i < to && (b[i] == '-' || b[i] == '+')) {
      negative = b[i] == '-';
      i++;
    }
    int n = to - i;
    double r =
        n >= WORD_FROM_BYTES && n <= Long.BYTES && i + Long.BYTES <= b.length
            ? wordDecimal(b, i, to)
            : loopDecimal(b, i, to);
    return negative ? -r : r;
  }

  /**
   * {@link #plainDecimal}'s unsigned digits {@code b[from..to)}, {@link #WORD_FROM_BYTES} to eight
   * bytes, from one eight-byte read (the array has the bytes): the text is moved to the word's high
   * end below {@code '0'} padding, the point (at most one) is taken out by shifting the bytes
   * before it up, all eight bytes are checked to be digits at once, and three multiplications
   * combine them.
   */
  private static double wordDecimal(byte[] b, int from, int to) {
    int pad = (Long.BYTES - (to - from)) * Byte.SIZE;
    long w = (Bytes.word(b, from) << pad) | (ZEROS & ~(-1L << pad));
    long point = Bytes.zeroBytes(w ^ POINTS);
    int fractionDigits = 0;
    if (point != 0) {
      if ((point & (point - 1)) != 0) {
        return Double.NaN; // two points
      }
      int at = Long.numberOfTrailingZeros(point) & ~7;
      long before = w & ~(-1L << at);
      w = (w & (-1L << at << Byte.SIZE)) | (before << Byte.SIZE) | '0';
      fractionDigits = (Long.SIZE - Byte.SIZE - at) >>> 3;
    }
    if (((w & HIGH_NIBBLES) | (((w + SIXES) & HIGH_NIBBLES) >>> 4)) != THREES) {
      return Double.NaN;
    }
    // Neighbouring digits, then pairs, then quads: x * (10^k << s) + x, shifted down by s.
    w = ((w & LOW_NIBBLES) * 2561) >>> 8;
    w = ((w & 0x00FF00FF00FF00FFL) * 6553601) >>> 16;
    long m = ((w & 0x0000FFFF0000FFFFL) * 42949672960001L) >>> 32;
    return fractionDigits == 0 ? (double) m : m / POW10[fractionDigits];
  }

  /** {@link #plainDecimal}'s unsigned digits {@code b[from..to)}, one byte at a time. */
  private static double loopDecimal(byte[] b, int from, int to) {
    int point = -1;
    long m = 0;
    for (int i = from; i < to; i++) {
      int d = b[i] - '0';
      if (d >= 0 && d <= 9) {
        m = m * 10 + d;
      } else if (d == '.' - '0' && point < 0) {
        point = i;
      } else {
        return Double.NaN;
      }
    }
    int digits = to - from - (point < 0 ? 0 : 1);
    if (digits == 0 || digits > MAX_DIGITS) {
      return Double.NaN;
    }
    if (point < 0) {
      return m;
    } else if (m <= TWO_POW_53) {
      return m / POW10[to - point - 1];
    }
    return Double.NaN;
  }

  /**
   * The decimal number whose digits start at {@code digitsFrom}, after the sign of the trimmed text
   * {@code b[s..e)}: digits, an optional fraction and an optional exponent, and nothing after them.
   * At most 18 significant digits are kept in a long mantissa; any further non-zero digit makes the
   * value inexact and sends it to {@link #slow}.
   */
  private static double parseDecimal(byte[] b, int s, int digitsFrom, int e, boolean negative) {
    long m = 0;
    int digits = 0;
    int exp = 0;
    boolean any = false;
    boolean inexact = false;
    int i = digitsFrom;
    while (i < e && isDigit(b[i])) {
      int d = b[i++] - '0';
      any = true;
      if (m == 0 && d == 0) {
        continue;
      }
      if (digits < MAX_DIGITS) {
        m = m * 10 + d;
        digits++;
      } else {
        exp++;
        inexact |= d != 0;
      }
    }
    if (i < e && b[i] == '.') {
      i++;
      while (i < e && isDigit(b[i])) {
        int d = b[i++] - '0';
        any = true;
        if (m == 0 && d == 0) {
          exp--;
        } else if (digits < MAX_DIGITS) {
          m = m * 10 + d;
          digits++;
          exp--;
        } else {
          inexact |= d != 0;
        }
      }
    }
    if (!any) {
      return Double.NaN;
    }
    if (i < e) {
      int exponent = (b[i] | 0x20) == 'e' ? parseExponent(b, i + 1, e) : NO_EXPONENT;
      if (exponent == NO_EXPONENT) {
        return Double.NaN;
      }
      exp += exponent;
    }
    if (m == 0) {
      return negative ? -0.0 : 0.0;
    }
    double r = inexact ? Double.NaN : exactValue(m, exp);
    if (Double.isNaN(r)) {
      return slow(b, s, e);
    }
    return negative ? -r : r;
  }

  /**
   * The signed exponent in {@code b[from..to)} (after the {@code e}), which must run to the end, or
   * {@link #NO_EXPONENT}. Its magnitude is capped near a million: beyond that every double
   * overflows or underflows alike.
   */
  private static int parseExponent(byte[] b, int from, int to) {
    int i = from;
    boolean negative = false;
    if (i < to && (b[i] == '+' || b[i] == '-')) {
      negative = b[i] == '-';
      i++;
    }
    if (i >= to || !isDigit(b[i])) {
      return NO_EXPONENT;
    }
    int ev = 0;
    while (i < to && isDigit(b[i])) {
      if (ev < 1_000_000) {
        ev = ev * 10 + (b[i] - '0');
      }
      i++;
    }
    if (i != to) {
      return NO_EXPONENT;
    }
    return negative ? -ev : ev;
  }

  /**
   * {@code m × 10^exp} for a non-zero exact mantissa when one IEEE multiplication or division gives
   * the correctly rounded result (Clinger's fast path), else {@link Double#NaN}.
   */
  private static double exactValue(long m, int exp) {
    while (m % 10 == 0) {
      m /= 10;
      exp++;
    }
    if (m >= TWO_POW_53) {
      return Double.NaN;
    }
    if (exp == 0) {
      return m;
    } else if (exp > 0 && exp <= 22) {
      return m * POW10[exp];
    } else if (exp < 0 && exp >= -22) {
      return m / POW10[-exp];
    } else if (exp > 22 && exp <= 22 + 15) {
      // m * 10^(exp-22) may still be an exact integer below 2^53; then one multiply rounds once.
      long scaled = m;
      for (int k = exp - 22; k > 0 && scaled < TWO_POW_53; k--) {
        scaled *= 10;
      }
      if (scaled < TWO_POW_53) {
        return scaled * 1e22;
      }
    }
    return Double.NaN;
  }

  private static double slow(byte[] b, int s, int e) {
    double r;
    try {
      r = Double.parseDouble(new String(b, s, e - s, StandardCharsets.ISO_8859_1));
    } catch (NumberFormatException notANumber) {
      return Double.NaN;
    }
    return Double.isInfinite(r) ? Double.NaN : r;
  }

  private static double parseRadix(byte[] b, int from, int to, int radix) {
    if (from >= to) {
      return Double.NaN;
    }
    long acc = 0;
    boolean overflow = false;
    for (int i = from; i < to; i++) {
      int d = Character.digit(b[i], radix);
      if (b[i] < 0 || d < 0) {
        return Double.NaN;
      }
      if (!overflow) {
        if (acc > (Long.MAX_VALUE - d) / radix) {
          overflow = true;
        } else {
          acc = acc * radix + d;
        }
      }
    }
    if (!overflow) {
      return acc; // long to double rounds to nearest, as JavaScript does
    }
    double r =
        new BigInteger(new String(b, from, to - from, StandardCharsets.ISO_8859_1), radix)
            .doubleValue();
    return Double.isInfinite(r) ? Double.NaN : r;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }
}
