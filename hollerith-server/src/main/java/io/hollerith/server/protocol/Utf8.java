package io.hollerith.server.protocol;

/**
 * Byte-level UTF-8 helpers for the parser: well-formedness (Unicode Table 3-7), JavaScript white
 * space, and comparison in {@link String#compareTo} order. Stateless and thread-safe.
 */
final class Utf8 {

  private Utf8() {}

  /**
   * Length of the well-formed UTF-8 sequence starting at {@code b[i]} (1 for ASCII), or 0 when the
   * bytes there are not well-formed: a stray continuation byte, an overlong form, a surrogate, a
   * code point above U+10FFFF, or a sequence cut short by {@code to}.
   */
  static int sequenceLength(byte[] b, int i, int to) {
    int c = b[i] & 0xFF;
    if (c < 0x80) {
      return 1;
    }
    if (c < 0xC2) {
      return 0;
    }
    if (c < 0xE0) {
      return i + 1 < to && isContinuation(b[i + 1]) ? 2 : 0;
    }
    if (c < 0xF0) {
      if (i + 2 >= to) {
        return 0;
      }
      int c1 = b[i + 1] & 0xFF;
      int lo = c == 0xE0 ? 0xA0 : 0x80;
      int hi = c == 0xED ? 0x9F : 0xBF;
      return c1 >= lo && c1 <= hi && isContinuation(b[i + 2]) ? 3 : 0;
    }
    if (c < 0xF5) {
      if (i + 3 >= to) {
        return 0;
      }
      int c1 = b[i + 1] & 0xFF;
      int lo = c == 0xF0 ? 0x90 : 0x80;
      int hi = c == 0xF4 ? 0x8F : 0xBF;
      return c1 >= lo && c1 <= hi && isContinuation(b[i + 2]) && isContinuation(b[i + 3]) ? 4 : 0;
    }
    return 0;
  }

  /** The code point of a well-formed sequence of the given length at {@code b[i]}. */
  static int codePoint(byte[] b, int i, int length) {
    return switch (length) {
      case 1 -> b[i];
      case 2 -> (b[i] & 0x1F) << 6 | (b[i + 1] & 0x3F);
      case 3 -> (b[i] & 0x0F) << 12 | (b[i + 1] & 0x3F) << 6 | (b[i + 2] & 0x3F);
      default ->
          (b[i] & 0x07) << 18
              | (b[i + 1] & 0x3F) << 12
              | (b[i + 2] & 0x3F) << 6
              | (b[i + 3] & 0x3F);
    };
  }

  /**
   * Byte length of the JavaScript white-space character ({@code \s}: WhiteSpace and LineTerminator)
   * at {@code b[i]}, or 0. ASCII: TAB, LF, VT, FF, CR, SPACE. Beyond ASCII: U+00A0, U+1680,
   * U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF.
   */
  static int jsWhitespaceAt(byte[] b, int i, int to) {
    int c = b[i] & 0xFF;
    if (c < 0x80) {
      return (c >= 0x09 && c <= 0x0D) || c == 0x20 ? 1 : 0;
    }
    int length = sequenceLength(b, i, to);
    if (length < 2) {
      return 0;
    }
    return isJsWhitespace(codePoint(b, i, length)) ? length : 0;
  }

  /** Like {@link #jsWhitespaceAt} for the character that ends just before {@code end}. */
  static int jsWhitespaceBefore(byte[] b, int from, int end) {
    int c = b[end - 1] & 0xFF;
    if (c < 0x80) {
      return (c >= 0x09 && c <= 0x0D) || c == 0x20 ? 1 : 0;
    }
    for (int length = 2; length <= 3 && end - length >= from; length++) {
      if (sequenceLength(b, end - length, end) == length
          && isJsWhitespace(codePoint(b, end - length, length))) {
        return length;
      }
    }
    return 0;
  }

  static boolean isJsWhitespace(int cp) {
    return cp == 0x00A0
        || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A)
        || cp == 0x2028
        || cp == 0x2029
        || cp == 0x202F
        || cp == 0x205F
        || cp == 0x3000
        || cp == 0xFEFF;
  }

  /**
   * Compares two well-formed UTF-8 byte ranges in the order {@link String#compareTo} gives their
   * decoded strings (UTF-16 code units), which differs from byte order only for supplementary
   * characters against U+E000–U+FFFF.
   */
  static int compare(byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen) {
    int n = Math.min(aLen, bLen);
    for (int k = 0; k < n; k++) {
      int x = a[aOff + k] & 0xFF;
      int y = b[bOff + k] & 0xFF;
      if (x != y) {
        // Equal prefixes of well-formed text put both bytes at the same position in a character,
        // so either both are continuation bytes or both start a character.
        boolean xSupplementary = x >= 0xF0;
        boolean ySupplementary = y >= 0xF0;
        if (xSupplementary == ySupplementary) {
          return x - y;
        }
        // A supplementary character is a surrogate pair (D800–DFFF) in UTF-16: below U+E000.
        if (xSupplementary) {
          return y >= 0xEE ? -1 : 1;
        }
        return x >= 0xEE ? 1 : -1;
      }
    }
    return aLen - bLen;
  }

  private static boolean isContinuation(byte b) {
    return (b & 0xC0) == 0x80;
  }
}
