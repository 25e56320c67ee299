package io.hollerith.server.aggregate;

import java.nio.charset.StandardCharsets;

/**
 * A reusable lookup key over a sample's canonical key bytes: {@code table.get(probe)} finds an
 * existing {@link Series} without building a {@link io.hollerith.server.model.MetricKey}. The bytes
 * are compared with the series' canonical string in place for ASCII keys (the common case); a key
 * with non-ASCII bytes is decoded once for the comparison.
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

  /** True when {@code utf8[0..length)} is the UTF-8 encoding of {@code s}. */
  static boolean equalsUtf8(byte[] utf8, int length, String s) {
    boolean ascii = true;
    for (int i = 0; i < length; i++) {
      if (utf8[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (!ascii) {
      return new String(utf8, 0, length, StandardCharsets.UTF_8).equals(s);
    }
    if (s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (s.charAt(i) != utf8[i]) {
        return false;
      }
    }
    return true;
  }
}
