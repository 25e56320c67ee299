package io.hollerith.client;

import java.util.Arrays;

/**
 * A batch of stats sent together: pystatsd's {@code Pipeline}. It has every method of a client
 * and adds {@link #send()}; {@link #close()} sends, so a try-with-resources block sends on exit.
 *
 * <pre>{@code
 * try (Pipeline pipe = statsd.pipeline()) {
 *   pipe.incr("foo");
 *   pipe.decr("bar");
 *   pipe.timing("baz", 320);
 * } // one datagram: "foo:1|c\nbar:-1|c\nbaz:320.000000|ms"
 * }</pre>
 *
 * <p><b>Packing.</b> Over UDP the queued items are sent in order in as few datagrams as the rule of
 * pystatsd allows: the next item is appended to the current datagram (after a {@code \n}) unless
 * {@code len(item) + len(datagram) + 1 >= maxUdpSize}, in which case the current datagram is sent
 * first. Every datagram is therefore strictly shorter than {@code maxUdpSize}, except a single item
 * that is itself that long, which goes alone. Over TCP and Unix sockets all items are one write,
 * newline-terminated. A pipeline made from a pipeline adds its packets to its parent as items.
 * After {@code send()} the pipeline is empty and may be reused; an empty pipeline sends nothing.
 *
 * <p>Items are formatted when added, so invalid input (non-ASCII text) throws at the call that
 * adds it, not at {@code send()} as in pystatsd. The batch is held in one growing byte array,
 * reused across sends; there is no size bound, so send regularly.
 *
 * <p><b>Not thread-safe</b> (neither is pystatsd's): use one pipeline per thread. Sending through
 * a thread-safe client is safe.
 */
public final class Pipeline extends StatsClientBase {

  private final StatsClientBase target;
  private final int packLimit;
  /** The items joined by {@code \n}: packets are contiguous slices, sent without copying. */
  private final LineBuffer items = new LineBuffer(512);
  /** End offset (exclusive) of each item in {@link #items}; item i starts at ends[i-1] + 1. */
  private int[] ends = new int[32];
  private int count;

  Pipeline(StatsClientBase target) {
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

  /** The number of items waiting to be sent (a negative absolute gauge may count as one). */
  public int size() {
    return count;
  }

  /**
   * Sends the batched stats in as few packets as possible (see the class comment) and empties
   * the pipeline. Over UDP this never throws on send failures; over TCP or a Unix socket a
   * connection error propagates and the batch is dropped.
   */
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

  /** Sends what is batched (pystatsd's context-manager exit). */
  @Override
  public void close() {
    send();
  }
}
