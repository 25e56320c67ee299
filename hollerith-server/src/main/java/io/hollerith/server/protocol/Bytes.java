package io.hollerith.server.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Searches and tests on a range {@code b[from..to)} of a packet's bytes. Those on the one-pass path
 * of every line read eight bytes at a time (SWAR): each byte's class comes from additions that
 * cannot carry from one byte into the next, so answers are exact at every position, with no table
 * lookup and no branch per byte. Stateless.
 */
final class Bytes {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long HIGH = 0x8080808080808080L;
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long PIPE = repeat('|');
  private static final long COLON = repeat(':');
  private static final long NEWLINE = repeat('\n');
  private static final long SLASH = repeat('/');
  private static final long UNDERSCORE = repeat('_');
  private static final long CASE_BIT = repeat(0x20);

  // Per byte 0x80 - c: added to a 7-bit byte, it sets the byte's high bit iff the byte is >= c.
  private static final long FROM_A_LOWER = repeat(0x80 - 'a');
  private static final long PAST_Z_LOWER = repeat(0x80 - ('z' + 1));
  private static final long FROM_DASH = repeat(0x80 - '-');
  private static final long PAST_NINE = repeat(0x80 - ('9' + 1));

  /** {@link #simpleNameEnd}'s bytes, by byte value, for the bytes a word cannot be read for. */
  private static final boolean[] SIMPLE_NAME = new boolean[256];

  static {
    for (int c = 0; c < 256; c++) {
      SIMPLE_NAME[c] =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || c == '.';
    }
  }

  private Bytes() {}

  /** The first index of {@code c} in the range, or -1. */
  static int indexOf(byte[] b, byte c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** The first index of {@code c} in the range, or {@code to}. */
  static int indexOrEnd(byte[] b, byte c, int from, int to) {
    int i = indexOf(b, c, from, to);
    return i < 0 ? to : i;
  }

  /** Whether the byte value {@code c} (0-255) is one of {@code [a-zA-Z0-9_.-]}. */
  static boolean isSimpleNameByte(int c) {
    return SIMPLE_NAME[c & 0xFF];
  }

  /**
   * The index of the first byte in {@code b[from..limit)} outside {@code [a-zA-Z0-9_.-]}, or {@code
   * limit} when there is none: where a simple metric name ends, one made of the bytes Etsy's
   * sanitizing keeps as they are and that end nothing. Reads whole words up to the array's end,
   * past {@code limit} when the array has the bytes.
   */
  static int simpleNameEnd(byte[] b, int from, int limit) {
    int i = from;
    for (; i < limit && i + Long.BYTES <= b.length; i += Long.BYTES) {
      long outside = outsideSimpleName((long) LONGS.get(b, i));
      if (outside != 0) {
        return Math.min(limit, i + (Long.numberOfTrailingZeros(outside) >>> 3));
      }
    }
    while (i < limit && isSimpleNameByte(b[i])) {
      i++;
    }
    return Math.min(i, limit);
  }

  /**
   * The high bit of each byte of the little-endian word {@code w} that is not a {@link
   * #simpleNameEnd simple-name} byte: each class is a range or equality test on the byte's low
   * seven bits, and bytes with the high bit set are outside.
   */
  private static long outsideSimpleName(long w) {
    long w7 = w & LOW7;
    long folded = w7 | CASE_BIT; // 'A'..'Z' -> 'a'..'z'; nothing else lands there
    long letter = (folded + FROM_A_LOWER) & ~(folded + PAST_Z_LOWER);
    long dashToNine = (w7 + FROM_DASH) & ~(w7 + PAST_NINE); // '-', '.', '/', '0'..'9'
    // w7 ^ c has no high bits, so adding LOW7 sets a byte's high bit iff the byte is not c
    long slash = ~((w7 ^ SLASH) + LOW7);
    long underscore = ~((w7 ^ UNDERSCORE) + LOW7);
    long inside = (letter | (dashToNine & ~slash) | underscore) & ~w;
    return ~inside & HIGH;
  }

  /**
   * The index of the first {@code '|'}, {@code ':'} or {@code '\n'} in the range, or {@code to}:
   * where a plain line's value ends. Reads whole words up to the array's end, past {@code to} when
   * the array has the bytes.
   */
  static int valueEnd(byte[] b, int from, int to) {
    int i = from;
    for (; i < to && i + Long.BYTES <= b.length; i += Long.BYTES) {
      long w = (long) LONGS.get(b, i);
      long found = zeroBytes(w ^ PIPE) | zeroBytes(w ^ COLON) | zeroBytes(w ^ NEWLINE);
      if (found != 0) {
        return Math.min(to, i + (Long.numberOfTrailingZeros(found) >>> 3));
      }
    }
    while (i < to && b[i] != '|' && b[i] != ':' && b[i] != '\n') {
      i++;
    }
    return Math.min(i, to);
  }

  /**
   * The high bit of each zero byte of {@code x}, exactly: the additions cannot carry from one byte
   * into the next.
   */
  static long zeroBytes(long x) {
    return ~(((x & LOW7) + LOW7) | x) & HIGH;
  }

  /** The eight bytes at {@code b[i..i+8)} as a little-endian long: {@code b[i]} is the lowest. */
  static long word(byte[] b, int i) {
    return (long) LONGS.get(b, i);
  }

  /** Whether every byte of the range is ASCII (true when it is empty). */
  static boolean isAscii(byte[] b, int from, int to) {
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      if (((long) LONGS.get(b, i) & HIGH) != 0) {
        return false;
      }
    }
    for (; i < to; i++) {
      if (b[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether the range holds nothing but spaces and tabs (true when it is empty). */
  static boolean isBlank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != ' ' && b[i] != '\t') {
        return false;
      }
    }
    return true;
  }

  /** The byte {@code c} in each of a word's eight bytes. */
  static long repeat(int c) {
    return (c & 0xFFL) * 0x0101010101010101L;
  }
}
