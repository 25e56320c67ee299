package io.hollerith.server.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds where a simple metric name ends: the first byte outside {@code [a-zA-Z0-9_.-]}, the bytes
 * Etsy's sanitizing keeps as they are and that end nothing. Tests eight bytes at a time (SWAR):
 * each byte's class is computed with additions that cannot carry from one byte into the next, so
 * the answer is exact at every position, with no table lookup and no branch per byte (BENCHMARKS.md
 * has what the byte-at-a-time table loop it replaced cost). Stateless.
 */
final class SimpleNames {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long HIGH = 0x8080808080808080L;
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long CASE_BIT = 0x2020202020202020L;

  /**
   * Per byte {@code 0x80 - c}: adding it to a 7-bit byte sets the byte's high bit iff it is >= c.
   */
  private static final long FROM_A_LOWER = repeat(0x80 - 'a');

  private static final long PAST_Z_LOWER = repeat(0x80 - ('z' + 1));
  private static final long FROM_DASH = repeat(0x80 - '-');
  private static final long PAST_NINE = repeat(0x80 - ('9' + 1));
  private static final long SLASH = repeat('/');
  private static final long UNDERSCORE = repeat('_');

  /** The bytes of a simple name, by byte value; for the bytes a word cannot be read for. */
  private static final boolean[] SIMPLE = new boolean[256];

  static {
    for (int c = 0; c < 256; c++) {
      SIMPLE[c] =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || c == '.';
    }
  }

  private SimpleNames() {}

  /**
   * The index of the first byte in {@code b[from..limit)} outside {@code [a-zA-Z0-9_.-]}, or {@code
   * limit} when there is none. Reads whole words up to the array's end, past {@code limit} when the
   * array has the bytes (it only reads them).
   */
  static int end(byte[] b, int from, int limit) {
    int i = from;
    for (; i < limit && i + Long.BYTES <= b.length; i += Long.BYTES) {
      long outside = outside((long) LONGS.get(b, i));
      if (outside != 0) {
        return Math.min(limit, i + (Long.numberOfTrailingZeros(outside) >>> 3));
      }
    }
    while (i < limit && SIMPLE[b[i] & 0xFF]) {
      i++;
    }
    return Math.min(i, limit);
  }

  /**
   * The high bit of each byte of the little-endian word {@code w} that is not a simple-name byte.
   */
  static long outside(long w) {
    long w7 = w & LOW7;
    long folded = w7 | CASE_BIT; // 'A'..'Z' -> 'a'..'z'; nothing else lands there
    long letter = (folded + FROM_A_LOWER) & ~(folded + PAST_Z_LOWER);
    long dashToNine = (w7 + FROM_DASH) & ~(w7 + PAST_NINE); // '-', '.', '/', '0'..'9'
    long slash = ~((w7 ^ SLASH) + LOW7); // high bit set iff the byte is '/'
    long underscore = ~((w7 ^ UNDERSCORE) + LOW7);
    long inside = (letter | (dashToNine & ~slash) | underscore) & ~w;
    return ~inside & HIGH;
  }

  private static long repeat(int c) {
    return (c & 0xFFL) * 0x0101010101010101L;
  }
}
