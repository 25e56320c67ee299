package io.hollerith.server.ingest;

import io.hollerith.server.config.ListenersConfig;
import io.hollerith.server.config.ProtocolConfig;
import io.hollerith.server.stats.StatsRegistry;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Small helpers shared by the ingest tests. */
final class TestSupport {

  private TestSupport() {}

  static final ListenersConfig.Udp UDP_OFF = new ListenersConfig.Udp(false, null, null, null, null);
  static final ListenersConfig.Tcp TCP_OFF = new ListenersConfig.Tcp(false, null, null, null);
  static final ListenersConfig.UnixSocket UNIX_OFF = new ListenersConfig.UnixSocket(false, null);

  static ListenersConfig listeners(ListenersConfig.Udp udp, ListenersConfig.Tcp tcp, ListenersConfig.UnixSocket stream,
      ListenersConfig.UnixSocket datagram, String transport) {
    return new ListenersConfig(udp, tcp, stream, datagram, new ListenersConfig.Management(false, null, null), transport);
  }

  static ProtocolConfig protocol(int maxPacketBytes, int maxLineBytes) {
    return new ProtocolConfig(maxPacketBytes, maxLineBytes, null, null);
  }

  static long value(StatsRegistry stats, String category, String metric) {
    Number n = stats.value(category, metric);
    if (n == null) {
      throw new AssertionError("no internal stat " + category + "." + metric + " in " + stats.snapshot());
    }
    return n.longValue();
  }

  /** Polls until the condition holds; false on timeout. */
  static boolean eventually(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }
}
