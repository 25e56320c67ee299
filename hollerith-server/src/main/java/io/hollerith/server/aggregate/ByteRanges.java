package io.hollerith.server.aggregate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Comparison of byte ranges for the per-sample lookups (series keys, set members). Stateless. */
final class ByteRanges {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private ByteRanges() {}

  /**
   * Whether {@code a[aFrom..aFrom + length)} equals {@code b[bFrom..bFrom + length)}. Compares
   * eight bytes at a time, the last eight overlapping the word before when the length is not a
   * multiple of eight, so it reads nothing outside either range; faster than {@code Arrays.equals}
   * on the short keys and members of StatsD lines, whose range checks and call cost it skips.
   */
  static boolean equal(byte[] a, int aFrom, byte[] b, int bFrom, int length) {
    if (length < Long.BYTES) {
      for (int i = 0; i < length; i++) {
        if (a[aFrom + i] != b[bFrom + i]) {
          return false;
        }
      }
      return true;
    }
    int last = length - Long.BYTES;
    for (int i = 0; i < last; i += Long.BYTES) {
      if ((long) LONGS.get(a, aFrom + i) != (long) LONGS.get(b, bFrom + i)) {
        return false;
      }
    }
    return (long) LONGS.get(a, aFrom + last) == (long) LONGS.get(b, bFrom + last);
  }
}
