package io.hollerith.server.ingest;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import java.util.concurrent.TimeUnit;

/**
 * How long a datagram socket whose read emptied it rests before it is read again: long enough that
 * one wake-up collects many datagrams, short enough that the kernel's receive buffer does not fill
 * meanwhile. A rest is the shortest of {@code listeners.udp.read_delay}; the time in which the rate
 * datagrams arrived at since the previous rest began would fill {@value #FILL_SHARE_PERCENT} % of
 * the buffer; and the time in which a burst of {@value #BURST_BYTES_PER_SECOND} bytes a second
 * (about 160,000 small datagrams) would fill all of it, since clients that buffer send their
 * metrics in bursts after a quiet spell. A rest too short to pay for its timer is skipped.
 *
 * <p>The kernel charges each datagram its buffer's true size against {@code SO_RCVBUF}, not its
 * payload: the payload plus a few hundred bytes, rounded up to a power of two (measured on
 * loopback: 832 bytes for a 20-byte datagram, 1,280 for 600, 2,304 for 1,000, 8,448 for 4,000,
 * 16,640 for 8,000). {@link #charge} is never below that, so the estimate errs towards shorter
 * rests.
 *
 * <p>Not thread-safe: one per channel, used on its event loop. Public so the benchmarks' bare
 * receiver rests exactly as Hollerith does.
 */
public final class ReadRest {

  /** Share of the receive buffer a rest may let fill, in percent. */
  public static final int FILL_SHARE_PERCENT = 25;

  /** The burst a rest must leave room for, in bytes charged per second. */
  public static final long BURST_BYTES_PER_SECOND = 200_000_000;

  /** Rests shorter than this are skipped: the timer and the two epoll changes would cost more. */
  public static final long MIN_REST_NANOS = 20_000;

  private final long maxNanos;

  /** The socket's receive buffer in bytes as the kernel granted it; 0 while unknown. */
  private long receiveBufferBytes;

  private long cycleStartNanos;
  private long chargedSinceCycleStart;

  /**
   * @param maxNanos the longest rest ({@code listeners.udp.read_delay}); 0 never rests
   * @param startNanos when arrivals start being counted ({@link System#nanoTime()})
   */
  public ReadRest(long maxNanos, long startNanos) {
    this.maxNanos = maxNanos;
    this.cycleStartNanos = startNanos;
  }

  /**
   * Sets the receive buffer the kernel granted (its {@code SO_RCVBUF}); without it every rest is
   * the longest.
   */
  public void receiveBufferBytes(long bytes) {
    receiveBufferBytes = Math.max(0, bytes);
  }

  /** Takes the receive buffer the kernel granted {@code channel}'s socket, if it reports one. */
  public void receiveBufferOf(Channel channel) {
    Integer granted = channel.config().getOption(ChannelOption.SO_RCVBUF);
    if (granted != null) {
      receiveBufferBytes(granted);
    }
  }

  /**
   * Called when a read completes: if it emptied the socket, rests the channel for {@link
   * #restNanos} (auto-read off, then on again on its event loop). True if the channel rests.
   */
  public boolean afterRead(ChannelHandlerContext ctx, boolean emptied) {
    if (!emptied || !ctx.channel().config().isAutoRead()) {
      return false;
    }
    long nanos = restNanos(System.nanoTime());
    if (nanos == 0) {
      return false;
    }
    ctx.channel().config().setAutoRead(false);
    var unused =
        ctx.executor()
            .schedule(() -> ctx.channel().config().setAutoRead(true), nanos, TimeUnit.NANOSECONDS);
    return true;
  }

  /** Counts a datagram of {@code payloadBytes} that arrived. */
  public void arrived(int payloadBytes) {
    chargedSinceCycleStart += charge(payloadBytes);
  }

  /**
   * Called after a read that emptied the socket: how long to rest now (0: read on at once), and
   * starts the next measuring cycle.
   */
  public long restNanos(long nowNanos) {
    double rest = maxNanos;
    if (receiveBufferBytes > 0) {
      rest = Math.min(rest, receiveBufferBytes * 1e9 / BURST_BYTES_PER_SECOND);
      long elapsed = nowNanos - cycleStartNanos;
      if (chargedSinceCycleStart > 0 && elapsed > 0) {
        rest =
            Math.min(
                rest,
                receiveBufferBytes
                    * (FILL_SHARE_PERCENT / 100.0)
                    * elapsed
                    / chargedSinceCycleStart);
      }
    }
    cycleStartNanos = nowNanos;
    chargedSinceCycleStart = 0;
    return rest < MIN_REST_NANOS ? 0 : (long) rest;
  }

  /** An upper estimate of what the kernel charges a datagram against the receive buffer. */
  static long charge(int payloadBytes) {
    return 2L * payloadBytes + 1024;
  }
}
