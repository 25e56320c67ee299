package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hollerith.server.flush.FlushSnapshot;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The numbers a user reads through the HTTP API after real samples went through a real server
 * (UDP on loopback, SQLite): each expected value is computed here from the samples sent.
 */
class UserVisibleNumbersTest {

  private static final long HOUR = 3_600_000L;

  @TempDir Path dir;

  @Test
  void timerMeanAndSumOverARangeSkipTheIdleFlush() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"))) {
      send(h, "u.tm:10|ms");
      h.awaitSamples(1);
      long first = flush(h);
      send(h, "u.tm:30|ms");
      h.awaitSamples(2);
      flush(h);
      flush(h); // idle: the timer is flushed with no values

      JsonNode mean = range(h, "u.tm", first, first + 3 * HOUR, "3h", "&stat=mean");
      assertThat(mean.get("series").get("values").get(0).get(1).asDouble()).isEqualTo((10 + 30) / 2.0);
      assertThat(mean.get("summary").get("average").asDouble()).isEqualTo(20.0);
      JsonNode sum = range(h, "u.tm", first, first + 3 * HOUR, "3h", "&stat=sum");
      assertThat(sum.get("series").get("values").get(0).get(1).asDouble()).isEqualTo(10.0 + 30.0);
      JsonNode count = range(h, "u.tm", first, first + 3 * HOUR, "3h", "&stat=count");
      assertThat(count.get("series").get("values").get(0).get(1).asDouble()).isEqualTo(2.0);
    }
  }

  @Test
  void aRestoredGaugeIsFlushedLikeAnyGauge() throws Exception {
    Path data = dir.resolve("data");
    try (ServerHarness h = ServerHarness.start(data)) {
      send(h, "room.temp:21|g");
      h.awaitSamples(1);
      flush(h);
    }
    try (ServerHarness h = ServerHarness.start(data)) {
      long interval = flush(h);
      assertThat(h.get("/metrics").body()).contains("room_temp 21");
      JsonNode last = range(h, "room.temp", interval, interval + HOUR - 1, "1h", "&stat=last");
      assertThat(last.get("series").get("values").get(0).get(1).asDouble()).isEqualTo(21.0);
      send(h, "room.temp:+2|g");
      h.awaitSamples(1);
      flush(h);
      assertThat(h.get("/metrics").body()).contains("room_temp 23");
    }
  }

  private static void send(ServerHarness h, String... lines) throws Exception {
    InetSocketAddress udp = h.server.ingestAddresses().udp();
    try (DatagramSocket socket = new DatagramSocket()) {
      for (String line : lines) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, udp));
      }
    }
  }

  /** Flushes the open interval, waits until it is stored, and returns its start. */
  private static long flush(ServerHarness h) throws InterruptedException {
    List<FlushSnapshot> snapshots = h.server.flusher().flushNow();
    if (!h.server.storeSink().awaitDrained(Duration.ofSeconds(20))) {
      throw new AssertionError("the store did not drain within 20 s");
    }
    return snapshots.get(snapshots.size() - 1).intervalStartMillis();
  }

  /** {@code /api/v1/series} over {@code [fromMillis, toMillis]}; the parsed {@code response}. */
  private static JsonNode range(ServerHarness h, String metric, long fromMillis, long toMillis, String interval,
      String extra) throws Exception {
    String query = "/api/v1/series?metric=" + URLEncoder.encode(metric, StandardCharsets.UTF_8)
        + "&startDate=" + Instant.ofEpochMilli(fromMillis) + "&endDate=" + Instant.ofEpochMilli(toMillis)
        + "&interval=" + interval + extra;
    HttpResponse<String> response = h.get(query);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return ServerHarness.JSON.readTree(response.body()).get("response");
  }
}
