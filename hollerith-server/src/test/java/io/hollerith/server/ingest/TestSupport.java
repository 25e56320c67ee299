package io.hollerith.server.ingest;

import io.hollerith.server.config.ListenersConfig;
import io.hollerith.server.config.ProtocolConfig;
import io.hollerith.server.stats.StatsRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Small helpers shared by the ingest tests. */
final class TestSupport {

  private TestSupport() {}

  static final ListenersConfig.Udp UDP_OFF =
      new ListenersConfig.Udp(false, null, null, null, null, null);
  static final ListenersConfig.Tcp TCP_OFF =
      new ListenersConfig.Tcp(false, null, null, null, null, null, null);
  static final ListenersConfig.UnixSocket UNIX_OFF =
      new ListenersConfig.UnixSocket(false, null, null, null);

  static ListenersConfig listeners(
      ListenersConfig.Udp udp,
      ListenersConfig.Tcp tcp,
      ListenersConfig.UnixSocket stream,
      ListenersConfig.UnixSocket datagram,
      String transport) {
    return new ListenersConfig(
        udp,
        tcp,
        stream,
        datagram,
        new ListenersConfig.Management(false, null, null, null, null, null),
        transport);
  }

  static ProtocolConfig protocol(int maxPacketBytes, int maxLineBytes) {
    return new ProtocolConfig(maxPacketBytes, maxLineBytes, null, null);
  }

  static long value(StatsRegistry stats, String category, String metric) {
    Number n = stats.value(category, metric);
    if (n == null) {
      throw new AssertionError(
          "no internal stat " + category + "." + metric + " in " + stats.snapshot());
    }
    return n.longValue();
  }

  /**
   * Writes {@code text} and returns what comes back until it ends with {@code end} (or the peer
   * closes).
   */
  static String ask(Socket socket, String text, String end) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    while (!reply.toString(StandardCharsets.UTF_8).endsWith(end)) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      reply.write(b);
    }
    return reply.toString(StandardCharsets.UTF_8);
  }
}
