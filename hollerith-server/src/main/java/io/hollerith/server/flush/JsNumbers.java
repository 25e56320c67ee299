package io.hollerith.server.flush;

import java.math.BigDecimal;

/**
 * Formats a double the way JavaScript's {@code Number.prototype.toString()} does, so sinks and key
 * suffixes read exactly as Etsy StatsD (Node.js) writes them: {@code 3} not {@code 3.0},
 * {@code 0.1}, {@code 1e-7}, {@code 1e+21}, {@code NaN}, {@code Infinity}.
 *
 * <p>Digits come from {@link Double#toString(double)}, which on Java 17 is the shortest
 * round-tripping form for all but a few rare values; the layout (plain vs. exponent) follows
 * ECMAScript's rules (exponent form below 1e-6 and from 1e21). Thread-safe (stateless).
 */
public final class JsNumbers {

  private JsNumbers() {}

  /** The JavaScript string form of {@code value}. */
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
    if (abs < 1e21 && value == Math.rint(value)) {
      if (abs < 9.0e15) {
        return Long.toString((long) value);
      }
      return new BigDecimal(value).toPlainString();
    }
    BigDecimal exact = new BigDecimal(Double.toString(value)).stripTrailingZeros();
    if (abs >= 1e-6 && abs < 1e21) {
      return exact.toPlainString();
    }
    // Exponent form: d[.ddd]e(+|-)n
    String digits = exact.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - exact.scale();
    StringBuilder sb = new StringBuilder();
    if (value < 0) {
      sb.append('-');
    }
    sb.append(digits.charAt(0));
    if (digits.length() > 1) {
      sb.append('.').append(digits, 1, digits.length());
    }
    sb.append('e').append(exponent >= 0 ? "+" : "-").append(Math.abs(exponent));
    return sb.toString();
  }
}
