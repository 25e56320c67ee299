package io.hollerith.client;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Number formatting exactly as CPython 3 prints it, so that this client puts the same bytes on the
 * wire as pystatsd: {@code repr(float)} (what {@code '%s' % value} gives for a float) and {@code
 * '%0.6f' % value} (timings).
 *
 * <p>Java's own formatting differs: {@code Double.toString} uses {@code 1.0E16} style and, on JDK
 * 17, not always the shortest digits; {@code String.format("%.6f")} rounds the shortest decimal
 * rather than the exact binary value. Both methods here have an allocation-free fast path for the
 * common magnitudes and an exact {@link BigDecimal} path for the rest. Stateless and thread-safe.
 */
final class PyFormat {

  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17
  };
  private static final long[] LONG_POW10 = {
    1L,
    10L,
    100L,
    1_000L,
    10_000L,
    100_000L,
    1_000_000L,
    10_000_000L,
    100_000_000L,
    1_000_000_000L,
    10_000_000_000L,
    100_000_000_000L,
    1_000_000_000_000L,
    10_000_000_000_000L,
    100_000_000_000_000L,
    1_000_000_000_000_000L,
    10_000_000_000_000_000L,
    100_000_000_000_000_000L
  };

  /** Below 2^50 a scaled value is within 2^-2 of its rounded integer, see {@link #appendRepr}. */
  private static final double FAST_SCALED_LIMIT = 0x1p50;

  private PyFormat() {}

  /** {@code repr(v)} as CPython 3 prints it. */
  static String repr(double v) {
    LineBuffer b = new LineBuffer(32);
    appendRepr(b, v);
    return b.toString();
  }

  /** {@code '%0.6f' % v} as CPython 3 prints it. */
  static String fixed6(double v) {
    LineBuffer b = new LineBuffer(32);
    appendFixed6(b, v);
    return b.toString();
  }

  /**
   * Appends {@code repr(v)}: the shortest decimal that reads back as {@code v} (the closest one
   * when several have that length, ties to even), in positional notation when the decimal point
   * position {@code decpt} (value = 0.d1d2… × 10^decpt) satisfies {@code -4 < decpt <= 16}, else as
   * {@code d.ddde±XX}; a positional integer gets {@code .0}; {@code inf}, {@code -inf}, {@code
   * nan}, {@code -0.0}.
   */
  static void appendRepr(LineBuffer b, double v) {
    if (Double.isNaN(v)) {
      b.putLiteral("nan");
      return;
    }
    boolean negative = (Double.doubleToRawLongBits(v) < 0);
    double a = Math.abs(v);
    if (negative) {
      b.put('-');
    }
    if (Double.isInfinite(a)) {
      b.putLiteral("inf");
      return;
    }
    if (a < 1e16 && a == Math.rint(a)) {
      b.putLong((long) a).putLiteral(".0");
      return;
    }
    if (a >= 1e-4 && a < 1e15) {
      // Try k = 1, 2, ... decimal places. If some k-place decimal m/10^k reads back as a, then
      // a*10^k is within m*2^-52 of m, so while m < 2^50 rint() finds m itself and the first k
      // that reads back is the shortest; the interval of decimals reading back as a is then
      // narrower than a quarter of 10^-k, so that decimal is also the only candidate. n and
      // 10^k are exact doubles, so n / 10^k is the correctly rounded value of the decimal.
      for (int k = 1; k < POW10.length; k++) {
        double scaled = a * POW10[k];
        if (scaled >= FAST_SCALED_LIMIT) {
          break;
        }
        double n = Math.rint(scaled);
        if (n / POW10[k] == a) {
          long digits = (long) n;
          b.putLong(digits / LONG_POW10[k]).put('.').putPadded(digits % LONG_POW10[k], k);
          return;
        }
      }
    }
    appendShortestSlow(b, a);
  }

  private static void appendShortestSlow(LineBuffer b, double a) {
    BigDecimal exact = new BigDecimal(a);
    BigDecimal chosen = null;
    for (int p = 1; p <= 17 && chosen == null; p++) {
      BigDecimal down = exact.round(new MathContext(p, RoundingMode.FLOOR));
      BigDecimal up = exact.round(new MathContext(p, RoundingMode.CEILING));
      boolean downOk = down.doubleValue() == a;
      boolean upOk = up.doubleValue() == a;
      if (downOk && upOk) {
        int cmp = exact.subtract(down).compareTo(up.subtract(exact));
        if (cmp < 0) {
          chosen = down;
        } else if (cmp > 0) {
          chosen = up;
        } else {
          chosen = down.unscaledValue().testBit(0) ? up : down;
        }
      } else if (downOk) {
        chosen = down;
      } else if (upOk) {
        chosen = up;
      }
    }
    if (chosen == null) {
      // Unreachable for finite doubles (17 significant digits always read back); keep exactness.
      chosen = exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }
    BigDecimal stripped = chosen.stripTrailingZeros();
    String digits = stripped.unscaledValue().toString();
    int decpt = digits.length() - stripped.scale();
    int n = digits.length();
    if (decpt > -4 && decpt <= 16) {
      if (decpt <= 0) {
        b.putLiteral("0.");
        for (int i = decpt; i < 0; i++) {
          b.put('0');
        }
        b.putLiteral(digits);
      } else if (decpt >= n) {
        b.putLiteral(digits);
        for (int i = n; i < decpt; i++) {
          b.put('0');
        }
        b.putLiteral(".0");
      } else {
        b.putLiteral(digits.substring(0, decpt)).put('.').putLiteral(digits.substring(decpt));
      }
    } else {
      b.put(digits.charAt(0));
      if (n > 1) {
        b.put('.').putLiteral(digits.substring(1));
      }
      int exp = decpt - 1;
      b.put('e').put(exp < 0 ? '-' : '+');
      b.putPadded(Math.abs(exp), 2);
    }
  }

  /**
   * Appends {@code '%0.6f' % v}: the exact binary value rounded half-to-even at six decimals, the
   * sign kept ({@code -0.000000}), {@code inf}, {@code -inf}, {@code nan}.
   */
  static void appendFixed6(LineBuffer b, double v) {
    if (Double.isNaN(v)) {
      b.putLiteral("nan");
      return;
    }
    long bits = Double.doubleToRawLongBits(v);
    if (bits < 0) {
      b.put('-');
    }
    double a = Math.abs(v);
    if (Double.isInfinite(a)) {
      b.putLiteral("inf");
      return;
    }
    if (a == 0) {
      b.putLiteral("0.000000");
      return;
    }
    if (a >= 0x1p-11 && a < 0x1p53) {
      // a = m * 2^-s with a 53-bit m and 0 <= s <= 63: split off the integer part and round
      // the fraction * 10^6 (a 128-bit product) at bit s, half to even.
      long m = (bits & 0x000F_FFFF_FFFF_FFFFL) | 0x0010_0000_0000_0000L;
      int s = 1075 - (int) ((bits >>> 52) & 0x7ff);
      long integer;
      long micros;
      if (s == 0) {
        integer = m;
        micros = 0;
      } else {
        integer = m >>> s;
        long fraction = m & ((1L << s) - 1);
        long hi = Math.multiplyHigh(fraction, 1_000_000L);
        long lo = fraction * 1_000_000L;
        micros = (hi << (64 - s)) | (lo >>> s);
        long rest = lo & ((1L << s) - 1);
        long half = 1L << (s - 1);
        if (rest > half || (rest == half && (micros & 1) == 1)) {
          micros++;
        }
        if (micros == 1_000_000L) {
          micros = 0;
          integer++;
        }
      }
      b.putLong(integer).put('.').putPadded(micros, 6);
      return;
    }
    b.putLiteral(new BigDecimal(a).setScale(6, RoundingMode.HALF_EVEN).toPlainString());
  }
}
