package io.hollerith.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hollerith.server.HollerithServer;
import io.hollerith.server.config.ConfigLoader;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CounterReader.ManagementStats} against a real Hollerith server flushing every second: the
 * figure it reads keeps growing by every metric sent, of every type, across flushes (the {@code
 * counters} reply would reset at each).
 */
class ManagementStatsReaderTest {

  private static final String PARSED = "messages.samples_parsed";

  @Test
  void samplesParsedCountsEveryTypeAcrossFlushes(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("hollerith.yml");
    Files.writeString(
        config,
        "data_dir: "
            + dir.resolve("data")
            + "\nlisteners:\n"
            + "  udp: {address: 127.0.0.1, port: 0}\n"
            + "  tcp: {enabled: false}\n"
            + "  management: {address: 127.0.0.1, port: 0}\n"
            + "http: {enabled: false}\n"
            + "aggregation: {flush_interval: 1s}\n");
    try (HollerithServer server =
        new HollerithServer(new ConfigLoader().load(config, Map.of(), List.of()))) {
      server.start();
      CounterReader reader = new CounterReader.ManagementStats(server.managementAddress(), PARSED);
      assertThat(reader.read()).containsOnlyKeys(PARSED);
      double before = reader.read().get(PARSED);
      InetSocketAddress udp = server.ingestAddresses().udp();
      try (DatagramSocket socket = new DatagramSocket()) {
        for (int second = 0; second < 3; second++) {
          // one packet of four types (4 samples) and one bad line, which is not a sample
          send(socket, udp, "a.c:1|c\na.ms:12.5|ms\na.g:3|g\na.s:alice|s\nnot a line");
          Thread.sleep(600); // so the sends straddle at least one flush
        }
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(reader.read().get(PARSED) - before).isEqualTo(12.0));

      assertThatThrownBy(
              () -> new CounterReader.ManagementStats(server.managementAddress(), "no.such").read())
          .isInstanceOf(IOException.class)
          .hasMessageContaining("no.such");
    }
  }

  private static void send(DatagramSocket socket, InetSocketAddress to, String payload)
      throws IOException {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    socket.send(new DatagramPacket(bytes, bytes.length, to));
  }
}
