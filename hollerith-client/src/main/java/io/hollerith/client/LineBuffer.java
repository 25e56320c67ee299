package io.hollerith.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable ASCII byte buffer in which StatsD lines are built without allocating.
 *
 * <p>Not thread-safe: each buffer belongs to one thread ({@link #local()}) or to one
 * single-threaded owner (a pipeline, a stream client).
 */
final class LineBuffer {

  private static final ThreadLocal<LineBuffer> LOCAL =
      ThreadLocal.withInitial(() -> new LineBuffer(256));

  private byte[] bytes;
  private int length;

  /** A reusable view of {@link #bytes} for channel writes; replaced when the array grows. */
  private ByteBuffer view;

  LineBuffer(int initialCapacity) {
    bytes = new byte[Math.max(16, initialCapacity)];
    view = ByteBuffer.wrap(bytes);
  }

  /**
   * The calling thread's scratch buffer, emptied. A caller must finish with it (deliver or copy its
   * bytes) before anything else on the same thread may take it again.
   */
  static LineBuffer local() {
    LineBuffer b = LOCAL.get();
    b.length = 0;
    return b;
  }

  int length() {
    return length;
  }

  byte[] array() {
    return bytes;
  }

  void setLength(int newLength) {
    if (newLength < 0 || newLength > length) {
      throw new IndexOutOfBoundsException("length " + newLength + " outside [0, " + length + "]");
    }
    length = newLength;
  }

  void clear() {
    length = 0;
  }

  /** A view of {@code [off, off + len)} ready for a channel write; valid until the next append. */
  ByteBuffer view(int off, int len) {
    view.clear();
    view.position(off);
    view.limit(off + len);
    return view;
  }

  private void ensure(int extra) {
    int needed = length + extra;
    if (needed > bytes.length) {
      int grown = Math.max(needed, bytes.length * 2);
      if (grown < 0) {
        throw new OutOfMemoryError("line buffer larger than 2 GiB");
      }
      bytes = Arrays.copyOf(bytes, grown);
      view = ByteBuffer.wrap(bytes);
    }
  }

  LineBuffer put(char c) {
    ensure(1);
    bytes[length++] = (byte) c;
    return this;
  }

  /** Appends a literal known to be ASCII. */
  LineBuffer putLiteral(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      bytes[length++] = (byte) s.charAt(i);
    }
    return this;
  }

  /**
   * Appends user text (a stat name or a set member), which must be ASCII as pystatsd encodes every
   * payload with {@code 'ascii'}.
   *
   * @throws IllegalArgumentException if {@code s} has a character above U+007F
   */
  LineBuffer putAscii(String s) {
    int n = s.length();
    ensure(n);
    int start = length;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c > 0x7f) {
        length = start;
        throw new IllegalArgumentException(
            "StatsD text must be ASCII (pystatsd encodes with 'ascii'), got U+"
                + String.format("%04X", (int) c)
                + " at index "
                + i
                + " of \""
                + s
                + "\"");
      }
      bytes[length++] = (byte) c;
    }
    return this;
  }

  LineBuffer putBytes(byte[] src) {
    return putBytes(src, 0, src.length);
  }

  LineBuffer putBytes(byte[] src, int off, int len) {
    ensure(len);
    System.arraycopy(src, off, bytes, length, len);
    length += len;
    return this;
  }

  /** Appends the decimal digits of {@code v}, exactly as Python prints an {@code int}. */
  LineBuffer putLong(long v) {
    if (v == Long.MIN_VALUE) {
      return putLiteral("-9223372036854775808");
    }
    ensure(20);
    if (v < 0) {
      bytes[length++] = '-';
      v = -v;
    }
    putDigits(v, digitCount(v));
    return this;
  }

  /** Appends the non-negative {@code v} left-padded with zeros to {@code width} digits. */
  LineBuffer putPadded(long v, int width) {
    int digits = digitCount(v);
    ensure(Math.max(width, digits));
    for (int i = digits; i < width; i++) {
      bytes[length++] = '0';
    }
    putDigits(v, digits);
    return this;
  }

  private void putDigits(long v, int digits) {
    int end = length + digits;
    for (int i = end - 1; i >= length; i--) {
      bytes[i] = (byte) ('0' + (v % 10));
      v /= 10;
    }
    length = end;
  }

  static int digitCount(long v) {
    int n = 1;
    while (v >= 10) {
      v /= 10;
      n++;
    }
    return n;
  }

  /** The content as a string (for tests and diagnostics; allocates). */
  @Override
  public String toString() {
    return new String(bytes, 0, length, StandardCharsets.US_ASCII);
  }
}
