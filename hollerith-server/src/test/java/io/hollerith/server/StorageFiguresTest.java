package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /stats} and {@code /metrics} report the table sizes of the latest daily sample, taken at
 * start when today's is missing: a request never measures the database itself.
 */
class StorageFiguresTest {

  @TempDir Path dir;

  @Test
  void storageFiguresComeFromTheLatestSampleNotFromTheDatabase() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"))) {
      await("the table-size sample taken at start")
          .atMost(Duration.ofSeconds(20))
          .until(() -> !h.server.tableGrowth().latest().isEmpty());
      long sampledPoints = storage(h).get("counter_points_bytes").asLong();
      // The sizes sit beside the store writer's own figures, not in their place.
      assertThat(storage(h).has("snapshots_dropped"))
          .as("storage figures: %s", storage(h))
          .isTrue();
      assertThat(storage(h).has("backlog_snapshots"))
          .as("storage figures: %s", storage(h))
          .isTrue();
      assertThat(storage(h).get("total_bytes").asLong())
          .isEqualTo(h.server.tableGrowth().storageSizes().get("total_bytes"));

      InetSocketAddress udp = h.server.ingestAddresses().udp();
      try (DatagramSocket socket = new DatagramSocket()) {
        for (int batch = 0; batch < 20; batch++) {
          StringBuilder lines = new StringBuilder();
          for (int i = 0; i < 50; i++) {
            lines.append("grow.c").append(batch * 50 + i).append(":1|c\n");
          }
          byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
          socket.send(
              new DatagramPacket(
                  bytes,
                  bytes.length,
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getPort())));
          h.awaitSamples((batch + 1) * 50L);
        }
      }
      h.flushAndStore();
      long measuredNow = measured(h);
      assertThat(measuredNow).isGreaterThan(sampledPoints);
      assertThat(storage(h).get("counter_points_bytes").asLong()).isEqualTo(sampledPoints);
      assertThat(h.get("/metrics").body())
          .contains("hollerith_storage_table_bytes{table=\"counter_points\"} " + sampledPoints);

      h.server.tableGrowth().sampleOnce(LocalDate.now(ZoneOffset.UTC));
      assertThat(storage(h).get("counter_points_bytes").asLong()).isEqualTo(measuredNow);
    }
  }

  /** What a measurement of the store would say now (not what the routes report). */
  private static long measured(ServerHarness h) throws Exception {
    JsonNode db = ServerHarness.JSON.readTree(h.get("/api/stats/database/").body());
    for (JsonNode t : db.get("table_stats")) {
      if (t.get("table_name").asText().equals("counter_points")) {
        return t.get("total_size").asLong();
      }
    }
    throw new AssertionError("counter_points missing from " + db);
  }

  private static JsonNode storage(ServerHarness h) throws Exception {
    return ServerHarness.JSON.readTree(h.get("/stats").body()).get("hollerith").get("storage");
  }
}
