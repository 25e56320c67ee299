package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management port against a live server: a client that sends thousands of {@code counters}
 * commands at once and does not read holds a bounded number of reply bytes in the server, and the
 * port keeps answering other clients.
 */
class ManagementProbeTest {

  private static final int SERIES = 2_000;
  private static final int COMMANDS = 2_000;

  /** Netty's default high-water mark (64 KiB) plus one gathered write and one piece. */
  private static final long MAX_PENDING_BYTES = 128 * 1024;

  @TempDir Path dir;

  @Test
  void aFloodOfCountersCommandsFromAReaderThatDoesNotReadStaysBounded() throws Exception {
    try (ServerHarness harness = ServerHarness.start(dir.resolve("data"))) {
      sendCounters(harness.server.ingestAddresses().udp());
      harness.awaitSamples(SERIES);
      InetSocketAddress management = harness.server.managementAddress();
      try (Socket flood = new Socket(management.getAddress(), management.getPort())) {
        flood.setSoTimeout(20_000);
        OutputStream out = flood.getOutputStream();
        out.write("counters\n".repeat(COMMANDS).getBytes(StandardCharsets.US_ASCII));
        out.flush();

        long maxPending = 0;
        for (int i = 0; i < 100; i++) {
          maxPending = Math.max(maxPending, pendingBytes(harness));
          Thread.sleep(10);
        }
        assertThat(maxPending).isLessThanOrEqualTo(MAX_PENDING_BYTES);
        try (Socket other = new Socket(management.getAddress(), management.getPort())) {
          other.setSoTimeout(20_000);
          other.getOutputStream().write("health\n".getBytes(StandardCharsets.US_ASCII));
          assertThat(new String(other.getInputStream().readNBytes(11), StandardCharsets.US_ASCII))
              .isEqualTo("health: up\n");
        }

        long replies = readReplies(flood.getInputStream(), harness);
        long refused = harness.server.stats().value("management", "commands_refused").longValue();
        assertThat(replies + refused).isEqualTo(COMMANDS);
        assertThat(pendingBytes(harness)).isLessThanOrEqualTo(MAX_PENDING_BYTES);
      }
    }
  }

  private static long pendingBytes(ServerHarness harness) {
    return harness.server.stats().value("management", "reply_bytes_pending").longValue();
  }

  /**
   * Reads whole {@code counters} replies (each ends in END and an empty line) until every command
   * is accounted for.
   */
  private static long readReplies(InputStream in, ServerHarness harness) throws Exception {
    byte[] end = "END\n\n".getBytes(StandardCharsets.US_ASCII);
    long replies = 0;
    int matched = 0;
    while (replies + harness.server.stats().value("management", "commands_refused").longValue()
        < COMMANDS) {
      int b = in.read();
      assertThat(b).as("the connection stays open until every command is answered").isNotNegative();
      matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
      if (matched == end.length) {
        replies++;
        matched = 0;
      }
    }
    return replies;
  }

  private static void sendCounters(InetSocketAddress udp) throws Exception {
    try (DatagramSocket socket = new DatagramSocket()) {
      StringBuilder packet = new StringBuilder();
      for (int i = 0; i < SERIES; i++) {
        packet
            .append("probe.service")
            .append(i % 10)
            .append(".requests.")
            .append(i)
            .append(":1|c\n");
        if (packet.length() > 1000 || i == SERIES - 1) {
          byte[] bytes = packet.toString().getBytes(StandardCharsets.US_ASCII);
          socket.send(new DatagramPacket(bytes, bytes.length, udp));
          packet.setLength(0);
        }
      }
    }
  }
}
