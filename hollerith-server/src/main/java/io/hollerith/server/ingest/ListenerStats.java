package io.hollerith.server.ingest;

import io.hollerith.server.stats.StatName;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.stats.StatsRegistry.Counter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The internal statistics of one listener, in the {@link StatsRegistry} category named after it.
 *
 * <p>Thread-safe. Event-loop handlers count in plain fields and add them here once per read batch
 * ({@code channelReadComplete}), so the registry's adders are touched once per batch rather than
 * once per packet; {@link #lastMsgSeen} is written only when the second changes.
 */
final class ListenerStats {

  final String name;
  final Counter packetsReceived;

  /** Etsy's total over all listeners, {@code messages.packets_received}. */
  final Counter messagesPacketsReceived;

  final Counter bytesReceived;
  final Counter handlerErrors;

  /** Stream listeners only (null otherwise). */
  final Counter linesReceived;

  final Counter droppedLineTooLong;
  final Counter droppedPartialLine;
  final Counter connectionsTotal;
  final Counter connectionsRejected;
  final Counter connectionsRejectedPerAddress;
  final Counter connectionsIdleClosed;

  /** Datagram listeners only (null otherwise). */
  final Counter droppedPacketTooLarge;

  /**
   * Datagram listeners only (null otherwise): reads after which the socket rested
   * (listeners.udp.read_delay).
   */
  final Counter readRests;

  /** Open connections (stream listeners). */
  final AtomicInteger connections = new AtomicInteger();

  /** Unix seconds of the last packet or line received; the start time until then, as in Etsy. */
  final AtomicLong lastMsgSeen;

  ListenerStats(StatsRegistry registry, String name, boolean stream, long startSeconds) {
    this.name = name;
    this.lastMsgSeen = new AtomicLong(startSeconds);
    packetsReceived =
        registry.counter(
            name,
            "packets_received",
            stream
                ? "batches of complete lines handed to the parser (one per read that completed a line, as Etsy's TCP server)"
                : "datagrams received");
    messagesPacketsReceived =
        registry.counter(
            StatName.PACKETS_RECEIVED,
            "packets received on all listeners (datagrams, and batches of lines on stream listeners)");
    bytesReceived = registry.counter(name, "bytes_received", "bytes received");
    handlerErrors =
        registry.counter(
            name,
            "dropped_handler_error",
            "packets or line batches whose handler threw (a bug: see the log)");
    registry.gauge(
        name,
        "last_msg_seen",
        "unix seconds of the last data received (start time before any)",
        lastMsgSeen::get);
    if (stream) {
      linesReceived =
          registry.counter(name, "lines_received", "complete lines handed to the parser");
      droppedLineTooLong =
          registry.counter(
              name,
              "dropped_line_too_long",
              "lines longer than protocol.max_line_bytes, skipped (the connection is kept)");
      droppedPartialLine =
          registry.counter(
              name, "dropped_partial_line", "unterminated lines left when the peer disconnected");
      connectionsTotal = registry.counter(name, "connections_total", "connections accepted");
      connectionsRejected =
          registry.counter(
              name,
              "connections_rejected",
              "connections closed at once because max_connections were open");
      connectionsRejectedPerAddress =
          registry.counter(
              name,
              "connections_rejected_per_address",
              "connections closed at once because their client address had max_connections_per_address open (TCP)");
      connectionsIdleClosed =
          registry.counter(
              name,
              "connections_idle_closed",
              "connections closed after idle_timeout_seconds without data");
      registry.gauge(name, "connections", "open connections", connections::get);
      droppedPacketTooLarge = null;
      readRests = null;
    } else {
      linesReceived = null;
      droppedLineTooLong = null;
      droppedPartialLine = null;
      connectionsTotal = null;
      connectionsRejected = null;
      connectionsRejectedPerAddress = null;
      connectionsIdleClosed = null;
      droppedPacketTooLarge =
          registry.counter(
              name,
              "dropped_packet_too_large",
              "datagrams longer than protocol.max_packet_bytes, dropped");
      readRests =
          registry.counter(
              name,
              "read_rests",
              "reads that emptied the socket, after which it rested (up to listeners.udp.read_delay)");
    }
  }

  /** Records that data arrived at {@code unixSeconds}. */
  void seen(long unixSeconds) {
    if (unixSeconds > lastMsgSeen.get()) {
      lastMsgSeen.accumulateAndGet(unixSeconds, Math::max);
    }
  }
}
