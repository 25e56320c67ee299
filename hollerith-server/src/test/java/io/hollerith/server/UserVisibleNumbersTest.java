package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hollerith.server.snapshot.FlushSnapshot;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The numbers a user reads through the HTTP API after real samples went through a real server (UDP
 * on loopback, SQLite): each expected value is computed here from the samples sent.
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
      assertThat(mean.get("series").get("values").get(0).get(1).asDouble())
          .isEqualTo((10 + 30) / 2.0);
      assertThat(mean.get("summary").get("average").asDouble()).isEqualTo(20.0);
      JsonNode sum = range(h, "u.tm", first, first + 3 * HOUR, "3h", "&stat=sum");
      assertThat(sum.get("series").get("values").get(0).get(1).asDouble()).isEqualTo(10.0 + 30.0);
      JsonNode count = range(h, "u.tm", first, first + 3 * HOUR, "3h", "&stat=count");
      assertThat(count.get("series").get("values").get(0).get(1).asDouble()).isEqualTo(2.0);
    }
  }

  @Test
  void percentilesAreTheNearestRankOfEverySampleInTheRange() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"))) {
      send(h, "two:10|ms", "one:42|ms");
      for (int v = 1; v <= 50; v++) {
        send(h, "hundred:" + v + "|ms");
      }
      h.awaitSamples(52);
      long first = flush(h);
      send(h, "two:30|ms");
      for (int v = 51; v <= 100; v++) {
        send(h, "hundred:" + v + "|ms");
      }
      h.awaitSamples(52 + 51);
      flush(h);

      double[] hundred = new double[100];
      Arrays.setAll(hundred, i -> i + 1);
      JsonNode latency =
          range(h, "hundred", first, first + 2 * HOUR - 1, "2h", "").get("summary").get("latency");
      for (String p : List.of("p50", "p90", "p95", "p99", "p999")) {
        assertThat(latency.get(p).asDouble()).as(p).isEqualTo(nearestRank(hundred, quantile(p)));
      }
      JsonNode two = range(h, "two", first, first + 2 * HOUR - 1, "2h", "&stat=p90");
      assertThat(two.get("summary").get("latency").get("p50").asDouble()).isEqualTo(10.0);
      assertThat(two.get("summary").get("latency").get("p90").asDouble()).isEqualTo(30.0);
      assertThat(two.get("summary").get("latency").get("p99").asDouble()).isEqualTo(30.0);
      assertThat(two.get("series").get("values").get(0).get(1).asDouble()).isEqualTo(30.0);
      JsonNode one = range(h, "one", first, first + 2 * HOUR - 1, "2h", "&stat=p50");
      assertThat(one.get("summary").get("latency").get("p50").asDouble()).isEqualTo(42.0);
      assertThat(one.get("series").get("values").get(0).get(1).asDouble()).isEqualTo(42.0);
    }
  }

  @Test
  void aSampleRateWeighsAValueInCountAndPercentiles() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"))) {
      send(h, "rated:10|ms|@0.5", "rated:20|ms");
      h.awaitSamples(2);
      long first = flush(h);
      // As if 10, 10 and 20 had been sent.
      double[] expanded = {10, 10, 20};
      JsonNode response = range(h, "rated", first, first + HOUR - 1, "1h", "&stat=count");
      assertThat(response.get("series").get("values").get(0).get(1).asDouble()).isEqualTo(3.0);
      JsonNode latency = response.get("summary").get("latency");
      assertThat(latency.get("count").asDouble()).isEqualTo(3.0);
      for (String p : List.of("p50", "p90", "p99")) {
        assertThat(latency.get(p).asDouble()).as(p).isEqualTo(nearestRank(expanded, quantile(p)));
      }
      assertThat(latency.get("p90").asDouble()).isEqualTo(20.0);
    }
  }

  @Test
  void lastSeenIsTheIntervalOfTheLastSampleNotOfTheLastIdleFlush() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"))) {
      send(h, "seen.c:1|c", "seen.g:5|g", "seen.t:7|ms", "seen.s:alice|s");
      h.awaitSamples(4);
      long sampled = flush(h);
      flush(h);
      flush(h);
      for (String name : List.of("seen.c", "seen.g", "seen.t", "seen.s")) {
        assertThat(lastSeen(h, name)).as(name).isEqualTo(sampled);
      }
      send(h, "seen.c:1|c");
      h.awaitSamples(5);
      long again = flush(h);
      assertThat(lastSeen(h, "seen.c")).isEqualTo(again);
      assertThat(lastSeen(h, "seen.g")).isEqualTo(sampled);
    }
  }

  /**
   * {@code lastSeen} of the only series named {@code name} in {@code /api/v1/metrics}, epoch
   * milliseconds.
   */
  private static long lastSeen(ServerHarness h, String name) throws Exception {
    HttpResponse<String> response = h.get("/api/v1/metrics?prefix=" + name);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode metrics = ServerHarness.JSON.readTree(response.body()).get("metrics");
    assertThat(metrics).hasSize(1);
    return Instant.parse(metrics.get(0).get("lastSeen").asText()).toEpochMilli();
  }

  @Test
  void tenSecondBucketsAreServedWhereTenSecondPointsAreStored() throws Exception {
    try (ServerHarness h =
        ServerHarness.start(
            dir.resolve("data"),
            "aggregation.flush_interval=10s",
            "storage.retention=10s:1d,1m:7d")) {
      send(h, "fine.hits:3|c");
      h.awaitSamples(1);
      long end = flush(h) + 10_000;
      long start = end - 120_000;
      JsonNode tenSeconds = range(h, "fine.hits", start, end - 1, "10s", "&stat=count");
      assertThat(tenSeconds.get("series").get("values")).hasSize(12);
      assertThat(ServerHarness.sumOfValues(tenSeconds)).isEqualTo(3.0);
      for (String refused : List.of("5s", "15s")) {
        HttpResponse<String> response =
            h.get(
                "/api/v1/series?metric=fine.hits&startDate="
                    + Instant.ofEpochMilli(start)
                    + "&endDate="
                    + Instant.ofEpochMilli(end)
                    + "&interval="
                    + refused);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body())
            .contains(
                refused.equals("5s")
                    ? "interval: must be a valid InfluxQL duration literal (resolution no less than minute)"
                    : "interval: must be a multiple of the finest stored precision 10s");
      }
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

  /** Nearest rank of the values: sorted, index {@code floor(q·N + 0.5) − 1}. */
  private static double nearestRank(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int index = (int) Math.floor(q * sorted.length + 0.5) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** {@code p999} → 0.999. */
  private static double quantile(String label) {
    String digits = label.substring(1);
    return Double.parseDouble("0." + digits);
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
  private static JsonNode range(
      ServerHarness h, String metric, long fromMillis, long toMillis, String interval, String extra)
      throws Exception {
    String query =
        "/api/v1/series?metric="
            + URLEncoder.encode(metric, StandardCharsets.UTF_8)
            + "&startDate="
            + Instant.ofEpochMilli(fromMillis)
            + "&endDate="
            + Instant.ofEpochMilli(toMillis)
            + "&interval="
            + interval
            + extra;
    HttpResponse<String> response = h.get(query);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return ServerHarness.JSON.readTree(response.body()).get("response");
  }
}
