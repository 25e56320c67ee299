package io.hollerith.server.aggregate;

import java.nio.charset.StandardCharsets;

/**
 * A reusable lookup key over a sample's canonical key bytes: {@code table.get(probe)} finds an
 * existing {@link Series} without building a {@link io.hollerith.server.model.MetricKey}. The bytes
 * are compared with the series' canonical string in place (the string is UTF-8 encoded on the fly),
 * so the lookup allocates nothing; only bytes that are not well-formed UTF-8 are decoded.
 *
 * <p>Not thread-safe: each writer owns one probe.
 */
final class KeyProbe {

  private byte[] bytes;
  private int length;
  private int hash;

  KeyProbe set(byte[] bytes, int length, int hash) {
    this.bytes = bytes;
    this.length = length;
    this.hash = hash;
    return this;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Series s && matches(s);
  }

  boolean matches(Series s) {
    return s.hash == hash && equalsUtf8(bytes, length, s.key.canonical());
  }

  /**
   * True when {@code utf8[0..length)} is the UTF-8 encoding of {@code s}: {@code s} is encoded on
   * the fly and compared byte by byte, so well-formed keys never allocate. Bytes that are not
   * well-formed UTF-8 (which the parser decodes leniently) fall back to decoding them once.
   */
  static boolean equalsUtf8(byte[] utf8, int length, String s) {
    int b = 0;
    boolean ascii = true;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      int c = s.charAt(i);
      if (c < 0x80) {
        if (b >= length || utf8[b++] != c) {
          return !ascii && decodedEquals(utf8, length, s);
        }
        continue;
      }
      ascii = false;
      if (Character.isHighSurrogate((char) c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        c = Character.toCodePoint((char) c, s.charAt(++i));
      }
      int need = c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (b + need > length) {
        return decodedEquals(utf8, length, s);
      }
      boolean same =
          switch (need) {
            case 2 ->
                utf8[b] == (byte) (0xC0 | (c >> 6)) && utf8[b + 1] == (byte) (0x80 | (c & 0x3F));
            case 3 ->
                utf8[b] == (byte) (0xE0 | (c >> 12))
                    && utf8[b + 1] == (byte) (0x80 | ((c >> 6) & 0x3F))
                    && utf8[b + 2] == (byte) (0x80 | (c & 0x3F));
            default ->
                utf8[b] == (byte) (0xF0 | (c >> 18))
                    && utf8[b + 1] == (byte) (0x80 | ((c >> 12) & 0x3F))
                    && utf8[b + 2] == (byte) (0x80 | ((c >> 6) & 0x3F))
                    && utf8[b + 3] == (byte) (0x80 | (c & 0x3F));
          };
      if (!same) {
        return decodedEquals(utf8, length, s);
      }
      b += need;
    }
    if (b == length) {
      return true;
    }
    return !ascii && decodedEquals(utf8, length, s);
  }

  private static boolean decodedEquals(byte[] utf8, int length, String s) {
    for (int i = 0; i < length; i++) {
      if (utf8[i] < 0) {
        return new String(utf8, 0, length, StandardCharsets.UTF_8).equals(s);
      }
    }
    return false;
  }
}
