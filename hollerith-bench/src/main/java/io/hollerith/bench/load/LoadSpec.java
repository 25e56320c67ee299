package io.hollerith.bench.load;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * What the {@link LoadGenerator} sends: where, how fast, for how long and in which shape.
 *
 * @param target loopback address and port of the receiver
 * @param rate offered metrics (lines) per second; 0 sends as fast as the senders can
 * @param linesPerPacket metric lines per datagram, joined by {@code \n}
 * @param names distinct series (name cardinality)
 * @param mix type mix
 * @param duration how long to send
 * @param maxMetrics stop after this many lines in total (0 = no limit); rounded up to whole packets
 * @param threads sender threads, each with its own socket
 * @param prefix first name component of every series
 * @param batched send through {@link BatchSender} ({@code sendmmsg}) rather than one write per
 *     packet
 */
record LoadSpec(
    InetSocketAddress target,
    long rate,
    int linesPerPacket,
    int names,
    TypeMix mix,
    Duration duration,
    long maxMetrics,
    int threads,
    String prefix,
    boolean batched) {

  LoadSpec {
    if (!target.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "--target must be a loopback address (this generator only loads 127.0.0.1), got "
              + target);
    }
    if (rate < 0 || linesPerPacket < 1 || names < 1 || threads < 1 || maxMetrics < 0) {
      throw new IllegalArgumentException(
          "rate >= 0, lines per packet >= 1, names >= 1, threads >= 1 and max metrics >= 0 are required; got rate="
              + rate
              + " lines="
              + linesPerPacket
              + " names="
              + names
              + " threads="
              + threads
              + " max="
              + maxMetrics);
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("--duration must be positive, got " + duration);
    }
  }

  LoadSpec withRate(long newRate) {
    return new LoadSpec(
        target,
        newRate,
        linesPerPacket,
        names,
        mix,
        duration,
        maxMetrics,
        threads,
        prefix,
        batched);
  }

  LoadSpec withShape(int lines, int newNames, Duration newDuration, long newMax) {
    return new LoadSpec(
        target, rate, lines, newNames, mix, newDuration, newMax, threads, prefix, batched);
  }
}
