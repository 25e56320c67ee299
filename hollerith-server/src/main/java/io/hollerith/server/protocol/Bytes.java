package io.hollerith.server.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Searches and tests on a range {@code b[from..to)} of a packet's bytes; those on the one-pass path
 * of every line read eight bytes at a time. Stateless.
 */
final class Bytes {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long HIGH = 0x8080808080808080L;
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long PIPE = 0x7C7C7C7C7C7C7C7CL;
  private static final long COLON = 0x3A3A3A3A3A3A3A3AL;
  private static final long NEWLINE = 0x0A0A0A0A0A0A0A0AL;

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
  private static long zeroBytes(long x) {
    return ~(((x & LOW7) + LOW7) | x) & HIGH;
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
}
