package io.hollerith.server.protocol;

/** Searches and tests on a range {@code b[from..to)} of a packet's bytes. Stateless. */
final class Bytes {

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

  /** Whether every byte of the range is ASCII (true when it is empty). */
  static boolean isAscii(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
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
