package io.hollerith.server.etsy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats a double the way JavaScript's {@code Number.prototype.toString()} does, so sinks, key
 * suffixes and the management interface read exactly as Etsy StatsD (Node.js) writes them: {@code
 * 3} not {@code 3.0}, {@code 0.1}, {@code 1e-7}, {@code 1e+21}, {@code 1152921504606847000}, {@code
 * 5e-324}, {@code NaN}, {@code Infinity}. The one implementation for every package that writes
 * numbers as Node does.
 *
 * <p>ECMAScript asks for the shortest decimal that reads back as the double, the one closest to it
 * when several are that short. {@link Double#toString(double)} is not that on Java 17 (it is
 * sometimes a digit too long, and never shorter than two digits), so it serves only as a fast path:
 * a result of at most 15 significant digits in the normal range is the only decimal that short
 * which reads back (15 is {@code DBL_DIG}), hence the answer. Other values search the exact binary
 * value at 15, 16 and 17 digits (all precisions for subnormals and the extremes of the range),
 * trying the nearest decimal below and above at each, as the interval that reads back is lopsided
 * at powers of two. Thread-safe (stateless).
 */
public final class JsNumbers {

  /** Integers below this (under 2^53) are exact, so their plain digits are the shortest form. */
  private static final double EXACT_INTEGER_LIMIT = 9.0e15;

  /** Inside [min, max] a decimal of at most 15 significant digits reads back uniquely. */
  private static final double DBL_DIG_MIN = 1e-300;

  private static final double DBL_DIG_MAX = 1e300;
  private static final int DBL_DIG = 15;

  private JsNumbers() {}

  /** The JavaScript string form of {@code value} ({@code -0} prints as {@code 0}, as in JS). */
  public static String toString(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "Infinity" : "-Infinity";
    }
    if (value == 0) {
      return "0";
    }
    double abs = Math.abs(value);
    if (abs < EXACT_INTEGER_LIMIT && value == Math.rint(value)) {
      return Long.toString((long) value);
    }
    BigDecimal shortest = shortest(abs).stripTrailingZeros();
    String digits = shortest.unscaledValue().toString();
    int k = digits.length();
    int n = k - shortest.scale(); // the value is 0.digits * 10^n
    StringBuilder sb = new StringBuilder(k + 8);
    if (value < 0) {
      sb.append('-');
    }
    if (k <= n && n <= 21) {
      sb.append(digits).append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      sb.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      sb.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      int e = n - 1;
      sb.append(digits.charAt(0));
      if (k > 1) {
        sb.append('.').append(digits, 1, k);
      }
      sb.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
    }
    return sb.toString();
  }

  /** The shortest decimal that reads back as {@code abs} (positive, finite), nearest first. */
  private static BigDecimal shortest(double abs) {
    boolean dblDigRange = abs >= DBL_DIG_MIN && abs <= DBL_DIG_MAX;
    if (dblDigRange) {
      BigDecimal fast = new BigDecimal(Double.toString(abs));
      if (fast.stripTrailingZeros().precision() <= DBL_DIG) {
        return fast;
      }
    }
    BigDecimal exact = new BigDecimal(abs);
    for (int precision = dblDigRange ? DBL_DIG : 1; precision < 17; precision++) {
      BigDecimal found = nearestReadingBack(exact, abs, precision);
      if (found != null) {
        return found;
      }
    }
    // 17 significant digits always read back, the nearest of them included.
    return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
  }

  /**
   * The {@code precision}-digit decimal nearest to {@code exact} that reads back as {@code abs}, or
   * null. Only the neighbours below and above can: the decimals that read back form an interval
   * around the value.
   */
  private static BigDecimal nearestReadingBack(BigDecimal exact, double abs, int precision) {
    BigDecimal nearest = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
    if (nearest.doubleValue() == abs) {
      return nearest;
    }
    RoundingMode other = nearest.compareTo(exact) < 0 ? RoundingMode.CEILING : RoundingMode.FLOOR;
    BigDecimal second = exact.round(new MathContext(precision, other));
    return second.doubleValue() == abs ? second : null;
  }
}
