package io.hollerith.server.aggregate;

import java.util.Arrays;

/**
 * An append-only run of doubles that never copies what it holds to grow past {@value #BLOCK}
 * values: while short it is one array that doubles as it fills; beyond that it adds whole blocks.
 * One array doubling would copy its contents each time it grows, so a timer receiving millions of
 * samples in one interval would stall its ingest thread copying tens of megabytes at once (long
 * enough for a busy socket to overflow). {@link #clear()} keeps the blocks the interval used for
 * the next one, so a timer with a steady rate allocates nothing per sample.
 *
 * <p>Not thread-safe: the owning timer's monitor guards it.
 */
final class DoubleBlocks {

  /** Values per block once the first array has grown to this size: 16,384 (128 KiB). */
  static final int BLOCK = 1 << 14;

  private static final int BLOCK_SHIFT = 14;

  /** A first array above this many slots shrinks when an interval used at most a quarter of it. */
  private static final int SHRINK_ABOVE = 64;

  /** Block 0 (at most {@link #BLOCK} long), then full-size blocks; null entries past those made. */
  private double[][] blocks = {new double[4]};

  /** Blocks in use, at least 1. */
  private int used = 1;

  /** The last block in use. */
  private double[] last = blocks[0];

  /** Values in {@link #last}. */
  private int lastSize;

  void add(double v) {
    if (lastSize == last.length) {
      grow();
    }
    last[lastSize++] = v;
  }

  /** Appends {@code v} {@code n} times. */
  void addCopies(double v, int n) {
    for (int i = 0; i < n; i++) {
      add(v);
    }
  }

  private void grow() {
    if (used == 1 && last.length < BLOCK) {
      last = Arrays.copyOf(last, Math.min(BLOCK, last.length * 2));
      blocks[0] = last;
      return;
    }
    if (used == blocks.length) {
      blocks = Arrays.copyOf(blocks, used * 2);
    }
    if (blocks[used] == null) {
      blocks[used] = new double[BLOCK];
    }
    last = blocks[used++];
    lastSize = 0;
  }

  int size() {
    return ((used - 1) << BLOCK_SHIFT) + lastSize;
  }

  /** The {@code i}-th value appended. */
  double get(int i) {
    return blocks[i >>> BLOCK_SHIFT][i & (BLOCK - 1)];
  }

  /** Copies every value, in the order appended, to the start of {@code target}. */
  void copyTo(double[] target) {
    for (int b = 0; b < used - 1; b++) {
      System.arraycopy(blocks[b], 0, target, b << BLOCK_SHIFT, BLOCK);
    }
    System.arraycopy(last, 0, target, (used - 1) << BLOCK_SHIFT, lastSize);
  }

  /**
   * Empties it, keeping the blocks this interval used for the next one and letting the others go; a
   * large first array that was at most a quarter full shrinks.
   */
  void clear() {
    int n = size();
    for (int b = used; b < blocks.length; b++) {
      blocks[b] = null;
    }
    if (used == 1 && last.length > SHRINK_ABOVE && n <= last.length / 4) {
      blocks[0] = new double[Math.max(4, n)];
    }
    used = 1;
    last = blocks[0];
    lastSize = 0;
  }
}
