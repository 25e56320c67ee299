package io.hollerith.bench.load;

import java.util.Locale;
import java.util.Map;

/**
 * What one {@link LoadGenerator} run offered.
 *
 * @param spec what was asked for
 * @param packetsSent datagrams the kernel accepted from the senders
 * @param metricsSent lines in those datagrams
 * @param countersSent counter lines among them (each carries the value 1)
 * @param sendErrors writes that failed (e.g. port unreachable); their lines are not counted as sent
 * @param elapsedNanos from the first send to the last sender finishing
 * @param expectedCounterTotals exact total per counter name implied by what was sent
 */
record LoadResult(
    LoadSpec spec,
    long packetsSent,
    long metricsSent,
    long countersSent,
    long sendErrors,
    long elapsedNanos,
    Map<String, Long> expectedCounterTotals) {

  /**
   * What sending {@code pool}'s slot {@code s} {@code sentPerSlot[s]} times offered, whichever
   * generator sent it.
   */
  static LoadResult of(
      LoadSpec spec, PacketPool pool, long[] sentPerSlot, long sendErrors, long elapsedNanos) {
    long packets = 0;
    long counters = 0;
    for (int s = 0; s < sentPerSlot.length; s++) {
      packets += sentPerSlot[s];
      counters += sentPerSlot[s] * pool.countersIn(s);
    }
    return new LoadResult(
        spec,
        packets,
        packets * pool.linesPerPacket(),
        counters,
        sendErrors,
        elapsedNanos,
        pool.expectedCounterTotals(sentPerSlot));
  }

  /** Metrics per second actually offered. */
  double achievedRate() {
    return elapsedNanos == 0 ? 0 : metricsSent * 1e9 / elapsedNanos;
  }

  /** A one-object JSON summary (without the per-counter map, which can be large). */
  String toJson() {
    return "{\"target\":\""
        + spec.target().getAddress().getHostAddress()
        + ":"
        + spec.target().getPort()
        + "\""
        + ",\"rate_target\":"
        + spec.rate()
        + ",\"lines_per_packet\":"
        + spec.linesPerPacket()
        + ",\"names\":"
        + spec.names()
        + ",\"mix\":\""
        + spec.mix()
        + "\""
        + ",\"threads\":"
        + spec.threads()
        + ",\"duration_s\":"
        + String.format(Locale.ROOT, "%.3f", elapsedNanos / 1e9)
        + ",\"packets_sent\":"
        + packetsSent
        + ",\"metrics_sent\":"
        + metricsSent
        + ",\"counters_sent\":"
        + countersSent
        + ",\"send_errors\":"
        + sendErrors
        + ",\"achieved_metrics_per_s\":"
        + Math.round(achievedRate())
        + ",\"distinct_counters\":"
        + expectedCounterTotals.size()
        + "}";
  }
}
