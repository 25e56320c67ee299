package io.hollerith.client;

import java.util.Arrays;

/**
 * The {@link Pipeline} of every client of this library: the items joined by {@code \n} in one
 * growing byte array, reused across sends, and sent as slices of it in the packets that pystatsd's
 * packing rule gives (see {@link Pipeline}). Not thread-safe.
 */
final class PacketPipeline extends StatsClientBase implements Pipeline {

  private final StatsClientBase target;
  private final int packLimit;

  /** The items joined by {@code \n}: packets are contiguous slices, sent without copying. */
  private final LineBuffer items = new LineBuffer(512);

  /** End offset (exclusive) of each item in {@link #items}; item i starts at ends[i-1] + 1. */
  private int[] ends = new int[32];

  private int count;

  PacketPipeline(StatsClientBase target) {
    super(target.prefix, target.tagSuffix, target.random, target.nanoClock);
    this.target = target;
    this.packLimit = target.packLimit();
  }

  @Override
  void deliver(LineBuffer buf, int off, int len) {
    if (count > 0) {
      items.put('\n');
    }
    if (count == ends.length) {
      ends = Arrays.copyOf(ends, count * 2);
    }
    items.putBytes(buf.array(), off, len);
    ends[count++] = items.length();
  }

  @Override
  int packLimit() {
    return packLimit;
  }

  @Override
  public int size() {
    return count;
  }

  @Override
  public void send() {
    if (count == 0) {
      return;
    }
    try {
      int packetStart = 0;
      for (int i = 1; i < count; i++) {
        int itemStart = ends[i - 1] + 1;
        int itemLen = ends[i] - itemStart;
        int packetLen = ends[i - 1] - packetStart;
        if (itemLen + packetLen + 1 >= packLimit) {
          target.deliver(items, packetStart, packetLen);
          packetStart = itemStart;
        }
      }
      target.deliver(items, packetStart, ends[count - 1] - packetStart);
    } finally {
      items.clear();
      count = 0;
    }
  }

  @Override
  public void close() {
    send();
  }
}
